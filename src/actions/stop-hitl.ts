import { RuntimeError } from '@botpress/sdk'
import type * as bp from '../bp'
import { HelpdeskError } from '../helpdesk/errors'
import { helpdeskFor } from '../helpdesk/from-context'

const ALREADY_CLOSED = new Set([404, 409])

/** Closes the helpdesk conversation; one that is already closed, on either side, counts as success. */
export const stopHitl: bp.IntegrationProps['actions']['stopHitl'] = async ({ ctx, input, client, logger }) => {
  const { helpdesk } = helpdeskFor(ctx, logger)
  const { conversation } = await client.getConversation({ id: input.conversationId })
  if (conversation.tags.closed === 'true') return {}
  const ticketId = conversation.tags.id
  if (!ticketId) {
    throw new RuntimeError(`Conversation ${input.conversationId} is not a helpdesk conversation opened by startHitl`)
  }
  try {
    await helpdesk.closeConversation(ticketId, { botpressConversationId: conversation.id })
  } catch (error) {
    if (!(error instanceof HelpdeskError && ALREADY_CLOSED.has(error.failure.status ?? 0))) throw error
  }
  await client.updateConversation({ id: conversation.id, tags: { closed: 'true' } })
  return {}
}
