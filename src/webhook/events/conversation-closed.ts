import type * as bp from '../../bp'
import type { ConversationClosedEvent } from '../../../contract/webhook-events'
import { stopAnnounced } from '../announcements'
import { duplicate, inProgress, processed, unknownConversation, type Answer } from '../answers'
import type { Delivery } from '../delivery'
import { findConversation, isClosed } from '../find-conversation'
import { withTurn } from '../turn'

/*
 * `hitlStopped`, once: the bot takes the conversation back. Under the conversation's turn (so that no assignment is
 * being announced), the conversation is first marked closed by the helpdesk: from then on an agent message or an
 * assignment is refused 409, and a message written meanwhile is withdrawn. Then hitlStopped is announced. The close's
 * reason, when an agent is assigned, is first written as that agent's last message, so the end user learns it. A close
 * found marked but whose hitlStopped is missing (the announcement failed) is completed by the next delivery.
 */
export const onConversationClosed = async (
  client: bp.Client,
  event: ConversationClosedEvent,
  delivery: Delivery
): Promise<Answer> => {
  const readAt = Date.now()
  const found = await findConversation(client, event.conversationId)
  if (!found) return unknownConversation(event.conversationId)
  if (isClosed(found)) {
    // Closed by the end user (stopHitl): the bot knows already. Closed by the helpdesk: done if announced.
    if (found.tags.closedBy !== 'helpdesk' || (await stopAnnounced(client, found.id))) return duplicate()
  }

  const result = await withTurn(client, found.id, { delivery: delivery.key, kind: 'close', terminal: true }, async (turn) => {
    const conversation = turn.isFresh(readAt) ? found : (await client.getConversation({ id: found.id })).conversation
    if (isClosed(conversation)) {
      // Marked by an earlier delivery: announced unless that delivery failed in between (read under the turn, so
      // that no announcement is in flight).
      if (conversation.tags.closedBy !== 'helpdesk' || (await stopAnnounced(client, conversation.id))) return duplicate()
      return announce(client, conversation.id, turn)
    }
    const agentUserId = conversation.tags.agentUserId
    if (event.reason && agentUserId) {
      // The reason reaches the end user as the assigned agent's last message, written before the close's mark (so it
      // is not refused) and found again, not written twice, by a redelivery of this close.
      turn.assertHeld()
      await client.getOrCreateMessage({
        conversationId: conversation.id,
        userId: agentUserId,
        type: 'text',
        payload: { text: event.reason },
        tags: { webhookId: delivery.key },
        discriminateByTags: ['webhookId'],
      })
    }
    turn.assertHeld()
    await client.updateConversation({ id: conversation.id, tags: { closed: 'true', closedBy: 'helpdesk' } })
    return announce(client, conversation.id, turn)
  })
  if (!result.taken) return inProgress(event.conversationId, result.retryAfterSeconds)
  return result.value
}

const announce = async (client: bp.Client, conversationId: string, turn: { assertHeld(): void }): Promise<Answer> => {
  turn.assertHeld()
  await client.createEvent({ type: 'hitlStopped', conversationId, payload: { conversationId } })
  return processed()
}
