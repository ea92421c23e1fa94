import { RuntimeError } from '@botpress/sdk'
import type * as bp from '../bp'
import { isClosed } from '../conversation-state'
import { helpdeskFor } from '../helpdesks/registry'

/** Closes the helpdesk conversation; one that is already closed, on either side, counts as success. */
export const stopHitl: bp.IntegrationProps['actions']['stopHitl'] = async ({ ctx, input, client, logger }) => {
  const { helpdesk } = helpdeskFor(ctx, logger)
  const { conversation } = await client.getConversation({ id: input.conversationId })
  if (isClosed(conversation)) return {}
  const ticketId = conversation.tags.id
  if (!ticketId) {
    throw new RuntimeError(`Conversation ${input.conversationId} is not a helpdesk conversation opened by startHitl`)
  }
  await helpdesk.closeTicket(ticketId, { botpressConversationId: conversation.id })
  await client.updateConversation({ id: conversation.id, tags: { closed: 'true' } })
  return {}
}
