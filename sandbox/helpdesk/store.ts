/*
 * Reference helpdesk: the data a helpdesk keeps for the contract, in memory.
 *
 * - users, with the `botpressUserId` each was created for (POST /users), so a message `author` can be mapped
 *   to the helpdesk's own user without asking Botpress;
 * - tickets (POST /conversations) with the history they arrived with, the messages relayed later, the agent
 *   replies, the assigned agent and the status;
 * - the first answer given to each `webhook-id`, so a redelivered call gets the same answer and acts once;
 * - the result of every event sent to the integration (see webhook-sender.ts).
 *
 * A real helpdesk keeps the same things in its database; the idempotency answers belong in the same transaction
 * as the change they describe.
 */
import { randomUUID } from 'node:crypto'
import type { SessionFields } from '../../contract/helpdesk-api'
import type { Author } from '../../contract/messages'
import type { Agent, WebhookEvent } from '../../contract/webhook-events'

export type User = {
  id: string
  botpressUserId: string
  name: string
  email?: string
  pictureUrl?: string
  createdAt: string
}

/** Who wrote a message: the contract's `author` (end user or bot), or one of this helpdesk's agents. */
export type MessageAuthor = Author | { type: 'agent'; agent: Agent }

export type TicketMessage = {
  id: string
  /** `history`: sent with POST /conversations; `integration`: POST /conversations/{id}/messages; `agent`: a reply */
  origin: 'history' | 'integration' | 'agent'
  author: MessageAuthor
  /** display name: the mapped helpdesk user, "Bot", or the agent */
  authorName: string
  /** the helpdesk user the `botpressUserId` maps to, when the author is the end user and is known */
  userId?: string
  type: string
  payload: Record<string, unknown>
  /** the plain-text rendering the integration sent (or this helpdesk made, for agent replies) */
  text: string
  botpressMessageId?: string
  additionalData?: string
  /** for agent replies: the `message.created` event that carried it to the integration */
  eventId?: string
  at: string
}

export type TicketStatus = 'open' | 'closed'

export type Ticket = {
  id: string
  botpressConversationId: string
  botpressUserId: string
  /** the `reference` POST /conversations carried: echoed exactly in every event about the ticket */
  reference: string
  requester: { userId: string; name: string; email?: string }
  title: string
  description?: string
  session?: SessionFields
  /** how many messages of the conversation the integration left out of `history` (limit, byte budget, unknown type) */
  omittedMessages?: number
  status: TicketStatus
  closedBy?: 'integration' | 'agent'
  closeReason?: string
  assignedAgent?: Agent
  history: TicketMessage[]
  messages: TicketMessage[]
  createdAt: string
  lastActivityAt: string
}

/** The outcome of sending one event to the integration's webhook URL. */
export type Delivery = {
  eventId: string
  /** the `webhook-id` header; it is the event id, and stays the same on every attempt */
  webhookId: string
  event: WebhookEvent
  ticketId: string
  url?: string
  /** true when the last attempt was answered 2xx */
  delivered: boolean
  attempts: number
  /** status and body of the last attempt (absent when it failed at the network level) */
  status?: number
  body?: unknown
  /** network error of the last attempt, or why nothing was sent */
  error?: string
  startedAt: string
  finishedAt: string
}

/** The answer to one contract call, as remembered for its `webhook-id`. */
export type Answer = { status: number; body: unknown; headers?: Record<string, string> }

export type Change = {
  kind: 'user' | 'ticket.created' | 'ticket.message' | 'ticket.assigned' | 'ticket.closed' | 'delivery'
  ticketId?: string
}

export const newId = (prefix: string): string => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`
const now = (): string => new Date().toISOString()

export class HelpdeskStore {
  private readonly users = new Map<string, User>()
  private readonly usersByBotpressId = new Map<string, User>()
  private readonly tickets = new Map<string, Ticket>()
  private readonly deliveries: Delivery[] = []
  private readonly answers = new Map<string, Answer>()
  private readonly listeners = new Set<(change: Change) => void>()

  // --- users -----------------------------------------------------------------------------------------------------

  /** POST /users: one helpdesk user per `botpressUserId`; a later call updates the name, email and picture. */
  upsertUser(input: { botpressUserId: string; name: string; email?: string; pictureUrl?: string }): User {
    const existing = this.usersByBotpressId.get(input.botpressUserId)
    const user: User = { id: existing?.id ?? newId('usr'), createdAt: existing?.createdAt ?? now(), ...input }
    this.users.set(user.id, user)
    this.usersByBotpressId.set(user.botpressUserId, user)
    this.emit({ kind: 'user' })
    return user
  }

  user(id: string): User | undefined {
    return this.users.get(id)
  }

  userByBotpressId(botpressUserId: string): User | undefined {
    return this.usersByBotpressId.get(botpressUserId)
  }

  allUsers(): User[] {
    return [...this.users.values()]
  }

  // --- tickets ---------------------------------------------------------------------------------------------------

  createTicket(input: Omit<Ticket, 'id' | 'status' | 'history' | 'messages' | 'createdAt' | 'lastActivityAt'>): Ticket {
    const at = now()
    const ticket: Ticket = { id: newId('tkt'), status: 'open', history: [], messages: [], createdAt: at, lastActivityAt: at, ...input }
    this.tickets.set(ticket.id, ticket)
    this.emit({ kind: 'ticket.created', ticketId: ticket.id })
    return ticket
  }

  ticket(id: string): Ticket | undefined {
    return this.tickets.get(id)
  }

  allTickets(): Ticket[] {
    return [...this.tickets.values()]
  }

  addMessage(ticket: Ticket, list: 'history' | 'messages', message: Omit<TicketMessage, 'id' | 'at'>): TicketMessage {
    const stored: TicketMessage = { id: newId('msg'), at: now(), ...message }
    ticket[list].push(stored)
    ticket.lastActivityAt = stored.at
    this.emit({ kind: 'ticket.message', ticketId: ticket.id })
    return stored
  }

  assign(ticket: Ticket, agent: Agent): void {
    ticket.assignedAgent = agent
    ticket.lastActivityAt = now()
    this.emit({ kind: 'ticket.assigned', ticketId: ticket.id })
  }

  close(ticket: Ticket, by: 'integration' | 'agent', reason?: string): void {
    ticket.status = 'closed'
    ticket.closedBy = by
    if (reason !== undefined) ticket.closeReason = reason
    ticket.lastActivityAt = now()
    this.emit({ kind: 'ticket.closed', ticketId: ticket.id })
  }

  // --- events sent to the integration ----------------------------------------------------------------------------

  recordDelivery(delivery: Delivery): void {
    this.deliveries.push(delivery)
    this.emit({ kind: 'delivery', ticketId: delivery.ticketId })
  }

  allDeliveries(): Delivery[] {
    return [...this.deliveries]
  }

  // --- idempotency: the first answer per webhook-id ---------------------------------------------------------------

  answerFor(webhookId: string): Answer | undefined {
    return this.answers.get(webhookId)
  }

  rememberAnswer(webhookId: string, answer: Answer): void {
    this.answers.set(webhookId, answer)
  }

  // --- change notifications (the agent console's live updates) ----------------------------------------------------

  onChange(listener: (change: Change) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  private emit(change: Change): void {
    for (const listener of this.listeners) listener(change)
  }
}

/** Read access for tests, the sandbox and conformance checks: copies, so nobody changes the data behind its back. */
export type HelpdeskStoreView = {
  users(): User[]
  user(id: string): User | undefined
  userByBotpressId(botpressUserId: string): User | undefined
  tickets(): Ticket[]
  ticket(id: string): Ticket | undefined
  ticketByBotpressConversationId(botpressConversationId: string): Ticket | undefined
  deliveries(): Delivery[]
}

export const readOnlyView = (store: HelpdeskStore): HelpdeskStoreView => {
  const copy = <T>(value: T): T => structuredClone(value)
  return {
    users: () => copy(store.allUsers()),
    user: (id) => copy(store.user(id)),
    userByBotpressId: (id) => copy(store.userByBotpressId(id)),
    tickets: () => copy(store.allTickets()),
    ticket: (id) => copy(store.ticket(id)),
    ticketByBotpressConversationId: (id) => copy(store.allTickets().find((t) => t.botpressConversationId === id)),
    deliveries: () => copy(store.allDeliveries()),
  }
}
