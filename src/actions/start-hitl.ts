import { RuntimeError } from '@botpress/sdk'
import type * as bp from '../bp'
import { HelpdeskError } from '../helpdesk/errors'
import { helpdeskFor } from '../helpdesks/registry'
import { toHistoryEntries } from './history'

/** Opens the helpdesk conversation (ticket) with the history and routing fields, and the Botpress one tagged with its id. */
export const startHitl: bp.IntegrationProps['actions']['startHitl'] = async ({ ctx, input, client, logger }) => {
  const { historyLimit, helpdesk } = helpdeskFor(ctx, logger)
  const { user } = await client.getUser({ id: input.userId })
  const helpdeskUserId = user.tags.id
  if (!helpdeskUserId) {
    throw new RuntimeError(
      `User ${input.userId} has no helpdesk id: create end users with this integration's createUser action before startHitl`
    )
  }
  // a retry after a failure whose outcome is unknown reuses the conversation, so the helpdesk sees the same webhook-id
  const { conversation } = await client.getOrCreateConversation({
    channel: 'hitl',
    tags: { pendingFor: input.userId },
    discriminateByTags: ['pendingFor'],
  })
  let ticket: { id: string }
  try {
    ticket = await helpdesk.openTicket({
      botpressConversationId: conversation.id,
      userId: helpdeskUserId,
      botpressUserId: input.userId,
      title: input.title,
      description: input.description,
      session: input.hitlSession,
      messages: toHistoryEntries(input.messageHistory, historyLimit),
    })
  } catch (error) {
    const status = error instanceof HelpdeskError ? error.failure.status : undefined
    const refused = status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429
    if (refused) await client.deleteConversation({ id: conversation.id }).catch(() => undefined)
    throw error
  }
  await client.updateConversation({ id: conversation.id, tags: { id: ticket.id, pendingFor: '' } })
  return { conversationId: conversation.id }
}
