import type * as bp from '../../bp'
import type { ConversationClosedEvent } from '../../../contract/webhook-events'
import { closedByEndUser, closedByHelpdesk } from '../../conversation-state'
import { stopAnnounced } from '../announcements'
import { duplicate, inProgress, processed, unknownConversation, type Answer } from '../answers'
import type { Delivery } from '../delivery'
import { checkReferenced, locateConversation, notTheEventsConversation, type HitlConversation } from '../find-conversation'
import { withTurn, type Turn, type TurnHolder } from '../turn'

/*
 * `hitlStopped`, once: the bot takes the conversation back. The close takes the conversation's turn and keeps it (so
 * no assignment is announced after it, and a redelivery learns from the turn that this conversation is closing).
 * Under it, the conversation is marked closed by the helpdesk: from then on an agent message or an assignment is
 * refused 409, and a message written meanwhile is withdrawn. The mark's answer says whether the end user had ended
 * the session already (the bot knows then: nothing is announced). The close's reason, when an agent is assigned, is
 * written as that agent's last message. Then hitlStopped is announced.
 *
 * A redelivery that finds the turn taken by a close settles by the event log: announced, a duplicate; not yet, and
 * the holder is at work, retry later; not yet, and the holder stopped (it failed or died before announcing), one
 * redelivery takes the recovery turn and finishes the close.
 */
export const onConversationClosed = async (
  client: bp.Client,
  event: ConversationClosedEvent,
  delivery: Delivery
): Promise<Answer> => {
  const located = await locateConversation(client, event.conversationId, delivery.botpressConversationId)
  if (!located) return unknownConversation(event.conversationId)
  const { found } = located
  if (found) {
    // Found by the helpdesk's id: the end user ended it (the bot knows), or a close announced earlier.
    if (closedByEndUser(found)) return duplicate()
    if (closedByHelpdesk(found) && (await stopAnnounced(client, found.id))) return duplicate()
  }

  const owner = { delivery: delivery.key, kind: 'close' } as const
  const result = await withTurn(
    client,
    located.id,
    owner,
    async (turn) => {
      turn.assertHeld()
      const { conversation } = await client.updateConversation({ id: located.id, tags: { closedBy: 'helpdesk' } })
      const refused = notTheEventsConversation(conversation, event.conversationId)
      if (refused) {
        // Only a reference of another conversation gets here: the mark and the turn are taken back.
        await client.updateConversation({ id: located.id, tags: { closedBy: '' } })
        await turn.release()
        return refused
      }
      if (closedByEndUser(conversation)) return duplicate()
      return announce(client, conversation as HitlConversation, event, turn)
    },
    { keep: true }
  )
  if (result.taken) return result.value
  if (result.lost || result.holder.kind === 'assignment') return inProgress(event.conversationId, result.retryAfterSeconds)
  return (
    (await checkReferenced(client, located, event.conversationId)) ??
    settle(client, located.id, event, delivery, result.holder, result.retryAfterSeconds)
  )
}

/** A close holds the turn: done, at work, or stopped before announcing (then one redelivery finishes it). */
const settle = async (
  client: bp.Client,
  conversationId: string,
  event: ConversationClosedEvent,
  delivery: Delivery,
  holder: TurnHolder,
  retryAfterSeconds: number
): Promise<Answer> => {
  if (await stopAnnounced(client, conversationId)) return duplicate()
  if (holder.leaseUntil > Date.now()) return inProgress(event.conversationId, retryAfterSeconds)
  const result = await withTurn(
    client,
    conversationId,
    { delivery: delivery.key, kind: 'close' },
    async (turn) => {
      // The earlier holder stopped and sends nothing more: what the log shows now is final.
      if (await stopAnnounced(client, conversationId)) return duplicate()
      let { conversation } = await client.getConversation({ id: conversationId })
      const refused = notTheEventsConversation(conversation, event.conversationId)
      if (refused) return refused
      if (closedByEndUser(conversation)) return duplicate()
      if (!closedByHelpdesk(conversation)) {
        turn.assertHeld()
        conversation = (await client.updateConversation({ id: conversationId, tags: { closedBy: 'helpdesk' } })).conversation
      }
      return announce(client, conversation as HitlConversation, event, turn)
    },
    { name: 'recovery' }
  )
  return result.taken ? result.value : inProgress(event.conversationId, result.retryAfterSeconds)
}

const announce = async (
  client: bp.Client,
  conversation: HitlConversation,
  event: ConversationClosedEvent,
  turn: Turn
): Promise<Answer> => {
  const agentUserId = conversation.tags.agentUserId
  if (event.reason && agentUserId) {
    // The reason reaches the end user as the assigned agent's last message, once per conversation (only one close
    // is ever announced), whichever delivery writes it.
    turn.assertHeld()
    await client.getOrCreateMessage({
      conversationId: conversation.id,
      userId: agentUserId,
      type: 'text',
      payload: { text: event.reason },
      tags: { webhookId: `close-${conversation.id}` },
      discriminateByTags: ['webhookId'],
    })
  }
  turn.assertHeld()
  await client.createEvent({ type: 'hitlStopped', conversationId: conversation.id, payload: { conversationId: conversation.id } })
  return processed()
}
