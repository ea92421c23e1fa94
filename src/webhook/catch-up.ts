import type * as bp from '../bp'
import type { WebhookEvent } from '../../contract/webhook-events'
import type { Helpdesk } from '../helpdesks/helpdesk'
import type { Answer } from './answers'
import { deliveryKey, type Delivery } from './delivery'
import { onAgentAssigned } from './events/agent-assigned'
import { onMessageCreated } from './events/message-created'
import { isClosed } from '../conversation-state'
import { findConversation } from './find-conversation'

/** One attempt within this time: the helpdesk waits for the webhook's answer (Chatwoot: 5 s) while this runs. */
export const CATCH_UP_RETRY = { retries: 0, baseDelayMs: 0, budgetMs: 2_000 }
/** Relaying stops starting new messages after this long, leaving time for the webhook's own events. */
export const CATCH_UP_BUDGET_MS = 3_000

/** A message a helpdesk that never retries may bring twice (by webhook, then read back) is one delivery: its id. */
export const messageDelivery = (messageId: string): Delivery => ({ key: deliveryKey(`message\u0000${messageId}`) })

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * A helpdesk that never retries gets its retry here: an event answered "in progress" (another delivery of the
 * conversation held its announcement turn, which it gives back within a second) is tried once more after that delay.
 */
export const onceMoreIfInProgress = async (attempt: () => Promise<Answer>, wait = sleep): Promise<Answer> => {
  const first = await attempt()
  if (first.status !== 503 || !('error' in first.body) || first.body.error.code !== 'in_progress') return first
  await wait(Math.min(2, Number(first.headers?.['retry-after'] ?? 1) || 1) * 1000)
  return attempt()
}

/** How an assignment caught up on is named in the answer of `catchUp`, next to the message ids relayed. */
const assignedKey = (agentId: string) => `agent.assigned:${agentId}`

/** The key under which `catchUp` reports having done a webhook event's work already (none for a closing). */
export const caughtUpKey = (event: WebhookEvent): string =>
  event.type === 'message.created' ? event.message.id : event.type === 'agent.assigned' ? assignedKey(event.agent.id) : ''

/**
 * For a helpdesk that never retries its webhooks (it has `agentMessagesSince`): when any webhook of a conversation
 * arrives, the agent messages after the last one relayed are read back and relayed in order, before the webhook's own
 * events, so that a lost delivery arrives late rather than never. Relaying is the webhook's own step, deduplicated by
 * the helpdesk message id, so a message relayed twice (concurrent webhooks, a replay) is created once. The agent
 * assigned now, when the helpdesk tells, is announced the same way if it is not the one announced last. Answers the
 * ids of the messages relayed and the `assignedKey` of an assignment announced; the caller skips those events.
 */
export const catchUp = async (
  client: bp.Client,
  helpdesk: Helpdesk,
  ticketId: string,
  clock: { now: () => number; budgetMs: number } = { now: Date.now, budgetMs: CATCH_UP_BUDGET_MS }
): Promise<Set<string>> => {
  const startedAt = clock.now()
  const relayed = new Set<string>()
  if (!helpdesk.agentMessagesSince) return relayed
  const conversation = await findConversation(client, ticketId)
  if (!conversation || isClosed(conversation)) return relayed
  const events = await helpdesk.agentMessagesSince(ticketId, conversation.tags.lastAgentMessage || undefined)
  let last: string | undefined
  for (const event of events) {
    // a long backlog is relayed over several webhooks rather than past the helpdesk's time limit
    if (clock.now() - startedAt > clock.budgetMs) break
    if (event.type === 'agent.assigned') {
      // the agent assigned now; announced only when not the one announced last (the conversation's agentId tag)
      if (event.agent.id === conversation.tags.agentId) continue
      const delivery = { key: deliveryKey(`assigned\u0000${event.id ?? event.agent.id}`), giveBackTurn: true }
      const answer = await onceMoreIfInProgress(() => onAgentAssigned(client, event, delivery))
      if (answer.status < 300) relayed.add(assignedKey(event.agent.id))
      continue
    }
    const response = await onMessageCreated(client, event, messageDelivery(event.message.id))
    if ((response.status ?? 200) >= 300) break
    relayed.add(event.message.id)
    last = event.message.id
  }
  if (last) await client.updateConversation({ id: conversation.id, tags: { lastAgentMessage: last } })
  return relayed
}

/** Catching up is a bonus to the webhook's own work: when it fails, that is logged and the webhook goes on. */
export const catchUpQuietly = async (
  client: bp.Client,
  helpdesk: Helpdesk,
  ticketId: string,
  log: { warn: (message: string) => void }
): Promise<Set<string>> => {
  try {
    return await catchUp(client, helpdesk, ticketId)
  } catch (error) {
    log.warn(
      `Could not catch up on the agent messages of conversation ${ticketId}: ${error instanceof Error ? error.message : String(error)}; the next webhook of it tries again`
    )
    return new Set()
  }
}
