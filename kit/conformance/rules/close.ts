import { HelpdeskError } from '../../../src/helpdesk/errors'
import { closeConversationRequest } from '../../fixtures'
import { clientFailure, describeAnswer, isSuccess, rawCall } from '../explain'
import { RuleFailure, type Rule, type RuleContext } from '../types'

const ALREADY_CLOSED = new Set([404, 409])

const conversationId = (ctx: RuleContext): string => {
  const conversation = ctx.state.conversation
  if (!conversation) throw new RuleFailure('a conversation from create-conversation', 'none', 'see create-conversation')
  return conversation.id
}

const closeCall = {
  name: 'POST /conversations/{id}/close',
  schemaName: 'CloseConversationRequest',
  shapeFix: 'answer 2xx',
}

export const closeConversation: Rule = {
  name: 'close-conversation',
  needs: ['create-conversation'],
  run: async (ctx) => {
    try {
      await ctx.client.closeConversation(conversationId(ctx), closeConversationRequest(ctx.ids.botpressConversationId))
    } catch (error) {
      throw clientFailure(ctx, error, { ...closeCall, expected: '2xx to close an open conversation' })
    }
  },
}

/** The integration's retry of the close (same `webhook-id`): 2xx, or 404 / 409 which it takes as "already closed". */
export const closeAgain: Rule = {
  name: 'close-again',
  needs: ['close-conversation'],
  run: async (ctx) => {
    try {
      await ctx.client.closeConversation(conversationId(ctx), closeConversationRequest(ctx.ids.botpressConversationId))
    } catch (error) {
      if (error instanceof HelpdeskError && ALREADY_CLOSED.has(error.failure.status ?? 0)) return
      const failure = clientFailure(ctx, error, { ...closeCall, expected: '2xx, 404 or 409 to a repeated close' })
      throw new RuleFailure(failure.expected, failure.got, `answer a repeated close (same webhook-id) with your first answer, or 404 / 409; ${failure.fix}`)
    }
  },
}

/** A close the helpdesk has not seen before, of a conversation already closed (as when the agent closed it first). */
export const closeAlreadyClosed: Rule = {
  name: 'close-already-closed',
  needs: ['close-conversation'],
  run: async (ctx) => {
    const expected = '2xx, 404 or 409 to closing a conversation that is already closed'
    const answer = await rawCall(ctx, expected, {
      method: 'POST',
      path: `/conversations/${encodeURIComponent(conversationId(ctx))}/close`,
      webhookId: `close-${ctx.ids.botpressConversationId}-${ctx.ids.runId}-again`,
      body: closeConversationRequest(ctx.ids.botpressConversationId),
    })
    if (isSuccess(answer.status) || ALREADY_CLOSED.has(answer.status)) return
    throw new RuleFailure(
      expected,
      describeAnswer(answer),
      'treat closing a closed conversation as success (2xx) or answer 404 / 409: the end user may end the session after the agent closed it'
    )
  },
}
