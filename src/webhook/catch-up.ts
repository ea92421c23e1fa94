import type * as bp from '../bp'
import type { Helpdesk } from '../helpdesks/helpdesk'
import { onMessageCreated } from './events/message-created'
import { findConversation, isClosed } from './find-conversation'

/** One attempt within this time: the helpdesk waits for the webhook's answer (Chatwoot: 5 s) while this runs. */
export const CATCH_UP_RETRY = { retries: 0, baseDelayMs: 0, budgetMs: 2_000 }
/** Relaying stops starting new messages after this long, leaving time for the webhook's own events. */
export const CATCH_UP_BUDGET_MS = 3_000

/**
 * For a helpdesk that never retries its webhooks (it has `agentMessagesSince`): when any webhook of a conversation
 * arrives, the agent messages after the last one relayed are read back and relayed in order, before the webhook's own
 * events, so that a lost delivery arrives late rather than never. Relaying is the webhook's own step, deduplicated by
 * the helpdesk message id, so a message relayed twice (concurrent webhooks, a replay) is created once. Answers the ids
 * of the messages it relayed; the caller skips those events.
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
  for (const event of events) {
    // a long backlog is relayed over several webhooks rather than past the helpdesk's time limit
    if (clock.now() - startedAt > clock.budgetMs) break
    const response = await onMessageCreated(client, event)
    if ((response.status ?? 200) >= 300) break
    relayed.add(event.message.id)
  }
  const last = [...relayed].at(-1)
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
