import type { Answer } from '../answers'
import type * as bp from '../../bp'
import type { ConversationClosedEvent } from '../../contract/webhook-events'
import { announced } from '../announcements'
import { findConversation, isClosed } from '../find-conversation'
import { withAnnouncementLock } from '../lock'
import { duplicate, processed, unknownConversation } from '../answers'

/** `hitlStopped`, once: the bot takes the conversation back. */
export const onConversationClosed = async (client: bp.Client, event: ConversationClosedEvent): Promise<Answer> => {
  const conversation = await findConversation(client, event.conversationId)
  if (!conversation) return unknownConversation(event.conversationId)
  if (isClosed(conversation)) return duplicate()

  return withAnnouncementLock(client, conversation.id, 'closed', async () => {
    const { conversation: fresh } = await client.getConversation({ id: conversation.id })
    if (isClosed(fresh)) return duplicate()
    const already = (await announced(client, conversation.id, 'hitlStopped')).length > 0
    if (!already) {
      await client.createEvent({
        type: 'hitlStopped',
        conversationId: conversation.id,
        payload: { conversationId: conversation.id },
      })
    }
    await client.updateConversation({ id: conversation.id, tags: { closed: 'true' } })
    return already ? duplicate() : processed()
  })
}
