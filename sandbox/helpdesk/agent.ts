/*
 * Reference helpdesk: what a human agent does, and the event each action sends (contract §2, webhook events).
 *
 *   reply   -> message.created      { id, occurredAt, type, conversationId, reference, agent, message: { id, type, payload } }
 *   assign  -> agent.assigned       { id, occurredAt, type, conversationId, reference, agent }
 *   close   -> conversation.closed  { id, occurredAt, type, conversationId, reference, reason? }
 *
 * Each action first records the change in the helpdesk (the agent sees it at once), then sends the event and
 * records the delivery result. Every event echoes the ticket's `reference` exactly as POST /conversations carried it,
 * which spares the integration a lookup of the conversation. `agent.id` must be stable: the integration keeps one Botpress user per agent id.
 * The events are checked against the contract's schemas (contract/webhook-events.ts) before they leave.
 */
import { relayedMessageSchema } from '../../contract/helpdesk-api'
import {
  agentAssignedEventSchema,
  agentSchema,
  conversationClosedEventSchema,
  messageCreatedEventSchema,
  type Agent,
} from '../../contract/webhook-events'
import { newId, type Delivery, type HelpdeskStore, type Ticket } from './store'
import type { OutgoingEvent, SendEvent } from './webhook-sender'

/** What every event about a ticket says of it: when, which ticket, and the reference its opening carried. */
const about = (ticket: Ticket) => ({
  occurredAt: new Date().toISOString(),
  conversationId: ticket.id,
  reference: ticket.reference,
})

/** A message an agent sends: any relayed type (`text`, `image`, `audio`, `video`, `file`, `bloc`) with its payload. */
export type AgentMessage = { type: string; payload: Record<string, unknown> }

/** An agent action that cannot be done; `status` is the HTTP status the agent API answers with. */
export class AgentActionError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string
  ) {
    super(message)
  }
}

/** A short plain-text rendering, so agent replies read like the rest of the ticket. */
const plainText = ({ type, payload }: AgentMessage): string => {
  if (typeof payload.text === 'string') return payload.text
  const url = [payload.imageUrl, payload.audioUrl, payload.videoUrl, payload.fileUrl].find((u) => typeof u === 'string')
  if (typeof url === 'string') return typeof payload.title === 'string' ? `${payload.title} (${type}: ${url})` : `${type}: ${url}`
  return `[${type}]`
}

export const createAgentActions = (store: HelpdeskStore, send: SendEvent) => {
  const openTicket = (ticketId: string): Ticket => {
    const ticket = store.ticket(ticketId)
    if (!ticket) throw new AgentActionError(404, `No ticket ${ticketId}`)
    if (ticket.status === 'closed') throw new AgentActionError(409, `Ticket ${ticketId} is closed`)
    return ticket
  }

  const checkAgent = (agent: Agent): Agent => {
    const parsed = agentSchema.safeParse(agent)
    if (!parsed.success) throw new AgentActionError(400, `Invalid agent: ${parsed.error.issues[0]?.message ?? ''}`)
    return parsed.data
  }

  const deliver = async (event: OutgoingEvent): Promise<Delivery> => {
    const delivery = await send(event)
    store.recordDelivery(delivery)
    return delivery
  }

  return {
    /** The agent writes in the ticket; the integration creates the message in Botpress as the agent's user. */
    reply: async (ticketId: string, agent: Agent, message: AgentMessage): Promise<Delivery> => {
      const checked = relayedMessageSchema.safeParse(message)
      if (!checked.success) {
        const issue = checked.error.issues[0]
        throw new AgentActionError(400, `Invalid message: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim())
      }
      const author = checkAgent(agent)
      const ticket = openTicket(ticketId)
      const { type, payload } = checked.data
      const eventId = newId('evt')
      const stored = store.addMessage(ticket, 'messages', {
        origin: 'agent',
        author: { type: 'agent', agent: author },
        authorName: author.name ?? author.id,
        type,
        payload,
        text: plainText({ type, payload }),
        eventId,
      })
      const event = messageCreatedEventSchema.parse({
        id: eventId,
        type: 'message.created',
        ...about(ticket),
        agent: author,
        message: { id: stored.id, type, payload },
      })
      return deliver({ ...event, id: eventId })
    },

    /** The agent takes the ticket; the end user is told that a human agent joined. */
    assign: async (ticketId: string, agent: Agent): Promise<Delivery> => {
      const assignee = checkAgent(agent)
      const ticket = openTicket(ticketId)
      store.assign(ticket, assignee)
      const id = newId('evt')
      const event = agentAssignedEventSchema.parse({
        id,
        type: 'agent.assigned',
        ...about(ticket),
        agent: assignee,
      })
      return deliver({ ...event, id })
    },

    /** The agent closes the ticket; the bot takes the conversation back. */
    close: async (ticketId: string, reason?: string): Promise<Delivery> => {
      const ticket = openTicket(ticketId)
      store.close(ticket, 'agent', reason)
      const id = newId('evt')
      const event = conversationClosedEventSchema.parse({
        id,
        type: 'conversation.closed',
        ...about(ticket),
        ...(reason !== undefined ? { reason } : {}),
      })
      return deliver({ ...event, id })
    },
  }
}

export type AgentActions = ReturnType<typeof createAgentActions>
