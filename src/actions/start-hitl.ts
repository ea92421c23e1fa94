import { RuntimeError } from '@botpress/sdk'
import type * as bp from '../bp'
import { classify } from '../failures/classify'
import { helpdeskFor } from '../helpdesks/registry'
import { forwardedHistory } from './history'
import { requestKey } from './request-key'

/**
 * Opens the helpdesk conversation (ticket) with the history and routing fields, and the Botpress one tagged with its id.
 *
 * The Botpress conversation is found or created by the end user and a key of the whole request (`pendingFor`), and
 * `POST /conversations` is keyed by that conversation (its `webhook-id`). So a retry of the same request, after a
 * failure whose outcome is unknown, reaches the helpdesk with the same `webhook-id` and the same body and opens one
 * ticket; any other request (another title, a longer history, a concurrent handoff) gets its own conversation,
 * `webhook-id` and ticket, never the ticket of an earlier one. A `webhook-id` never carries two different bodies.
 */
export const startHitl: bp.IntegrationProps['actions']['startHitl'] = async ({ ctx, input, client, logger }) => {
  const { historyLimit, helpdesk } = helpdeskFor(ctx, logger)
  const { user } = await client.getUser({ id: input.userId })
  const helpdeskUserId = user.tags.id
  if (!helpdeskUserId) {
    throw new RuntimeError(
      `User ${input.userId} has no helpdesk id: create end users with this integration's createUser action before startHitl`
    )
  }
  const history = forwardedHistory(input.messageHistory, historyLimit)
  const request = {
    userId: helpdeskUserId,
    botpressUserId: input.userId,
    title: input.title,
    description: input.description,
    session: input.hitlSession,
    messages: history.messages,
    omittedMessages: history.omitted,
  }
  const pendingFor = `${input.userId}:${requestKey(request)}`
  const { conversation } = await client.getOrCreateConversation({
    channel: 'hitl',
    tags: { pendingFor },
    discriminateByTags: ['pendingFor'],
  })
  let ticket: { id: string }
  try {
    ticket = await helpdesk.openTicket({ botpressConversationId: conversation.id, ...request })
  } catch (error) {
    // A refusal opened nothing: the conversation is let go (never deleted, as a concurrent identical call may hold it),
    // so that the same request, once the cause is fixed, gets a new conversation and webhook-id. Any other failure may
    // have opened the ticket: the conversation stays pending for a retry.
    if (classify(error).kind === 'refused') {
      await client.updateConversation({ id: conversation.id, tags: { pendingFor: '' } }).catch(() => undefined)
    }
    throw error
  }
  await client.updateConversation({ id: conversation.id, tags: { id: ticket.id, pendingFor: '' } })
  return { conversationId: conversation.id }
}
