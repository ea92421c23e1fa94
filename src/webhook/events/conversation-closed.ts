import type { Response } from '@botpress/sdk'
import type * as bp from '../../bp'
import type { ConversationClosedEvent } from '../../contract/webhook-events'
import { claimAnnouncement } from '../claim'
import { findConversation, isClosed } from '../find-conversation'
import { duplicate, processed, unknownConversation } from '../outcome'

/** `hitlStopped`, once: the bot takes the conversation back. */
export const onConversationClosed = async (client: bp.Client, event: ConversationClosedEvent): Promise<Response> => {
  const conversation = await findConversation(client, event.conversationId)
  if (!conversation) return unknownConversation(event.conversationId)
  if (isClosed(conversation)) return duplicate()

  const claim = await claimAnnouncement(client, conversation.id, 'closeClaim', 'closed')
  if (!claim.won) return duplicate()
  try {
    await client.createEvent({
      type: 'hitlStopped',
      conversationId: conversation.id,
      payload: { conversationId: conversation.id },
    })
  } catch (error) {
    await claim.release()
    throw error
  }
  await client.updateConversation({ id: conversation.id, tags: { closed: 'true' } })
  return processed()
}
