import { createHash } from 'node:crypto'
import type { WebhookEvent } from '../../../contract/webhook-events'
import type { DecodedWebhook, IncomingWebhook, WebhookDecoder } from '../helpdesk'
import { agentOf, replyEventsOf } from './agent-reply'
import type { ChatwootConfig } from './config'
import { conversationWebhookSchema, messageWebhookSchema, otherWebhookSchema } from './schemas'
import { checkSignature } from './signature'

/*
 * Chatwoot's API inbox webhook: the signature first (a forged or stale request is a 401), then JSON, then the event.
 * Only three things reach Botpress: a human agent's public reply, an assignment to an agent, and resolving. Everything
 * else is acknowledged with no event: the echo of the customer's messages the integration itself posted, private
 * notes, template, activity and agent-bot messages, typing, unassignment, and the conversation_updated that every
 * status change also sends (resolving is read from conversation_status_changed alone).
 */

type Decoded = { ticketId?: string; events: WebhookEvent[] }

const changeOf = (changes: ReadonlyArray<Record<string, { current_value?: unknown }>> | null | undefined, key: string) =>
  changes?.find((change) => key in change)?.[key]

const decodeMessage = (body: unknown, config: ChatwootConfig): Decoded | undefined => {
  const parsed = messageWebhookSchema.safeParse(body)
  if (!parsed.success) return undefined
  const message = parsed.data
  const ticketId = message.conversation.id
  if (message.inbox && message.inbox.id !== String(config.inboxId)) return { events: [] }
  // message_updated (an edit, a delivery status) is never a new reply
  if (message.event !== 'message_created') return { ticketId, events: [] }
  return { ticketId, events: replyEventsOf(ticketId, message, message.message_type === 'outgoing') }
}

const decodeConversation = (body: unknown, config: ChatwootConfig, deliveryId: string): Decoded | undefined => {
  const parsed = conversationWebhookSchema.safeParse(body)
  if (!parsed.success) return undefined
  const conversation = parsed.data
  const ticketId = conversation.id
  if (conversation.inbox_id !== undefined && conversation.inbox_id !== String(config.inboxId)) return { events: [] }
  if (conversation.event === 'conversation_status_changed') {
    const closed = conversation.status === 'resolved'
    return {
      ticketId,
      // no reason: Chatwoot gives none, and a reason would reach the end user as the agent's words
      events: closed ? [{ type: 'conversation.closed', id: deliveryId, conversationId: ticketId }] : [],
    }
  }
  if (conversation.event !== 'conversation_updated') return { ticketId, events: [] }
  const assigned = changeOf(conversation.changed_attributes, 'assignee_id')?.current_value
  if (assigned === null || assigned === undefined) return { ticketId, events: [] }
  const assignee = conversation.meta?.assignee
  const toAgentBot = conversation.meta?.assignee_type === 'AgentBot' || (assignee?.type !== undefined && assignee.type !== 'user')
  if (toAgentBot) return { ticketId, events: [] }
  const agent = assignee && assignee.id === String(assigned) ? agentOf(assignee) : { id: String(assigned) }
  // when it happened, so that an assignment delivered after a later one changes nothing (Chatwoot's order is not kept)
  const occurredAt = typeof conversation.updated_at === 'number' ? new Date(conversation.updated_at * 1000).toISOString() : undefined
  return {
    ticketId,
    events: [{ type: 'agent.assigned', id: deliveryId, conversationId: ticketId, ...(occurredAt ? { occurredAt } : {}), agent }],
  }
}

const decodeOther = (body: unknown, config: ChatwootConfig): Decoded => {
  const parsed = otherWebhookSchema.safeParse(body)
  if (!parsed.success || !parsed.data.conversation) return { events: [] }
  if (parsed.data.inbox && parsed.data.inbox.id !== String(config.inboxId)) return { events: [] }
  const inboxId = parsed.data.conversation.inbox_id
  if (inboxId !== undefined && inboxId !== String(config.inboxId)) return { events: [] }
  return { ticketId: parsed.data.conversation.id, events: [] }
}

export const chatwootWebhookDecoder =
  (config: ChatwootConfig, now: () => number = Date.now): WebhookDecoder =>
  ({ headers, rawBody }: IncomingWebhook): DecodedWebhook => {
    const check = checkSignature({
      secret: config.webhookSecret,
      allowUnsigned: config.allowUnsignedWebhooks,
      headers,
      rawBody,
      nowSeconds: Math.floor(now() / 1000),
    })
    if (!check.ok) return { ok: false, status: 401, code: 'invalid_signature', message: `Signature check failed: ${check.reason}` }

    let body: unknown
    try {
      body = JSON.parse(rawBody)
    } catch {
      return { ok: false, status: 400, code: 'invalid_json', message: 'The body is not valid JSON' }
    }
    // an unsigned delivery without a delivery id is named by its content, so that a replay keeps its name
    const deliveryId =
      headers['x-chatwoot-delivery'] || `sha256-${createHash('sha256').update(rawBody, 'utf8').digest('hex').slice(0, 32)}`
    const event = typeof body === 'object' && body !== null ? (body as { event?: unknown }).event : undefined
    const decoded =
      (event === 'message_created' || event === 'message_updated'
        ? decodeMessage(body, config)
        : event === 'conversation_updated' || event === 'conversation_status_changed' || event === 'conversation_created'
          ? decodeConversation(body, config, deliveryId)
          : undefined) ?? decodeOther(body, config)
    return { ok: true, deliveryId, ...(decoded.ticketId ? { ticketId: decoded.ticketId } : {}), events: decoded.events }
  }
