import { createMessageResponseSchema } from '../../../contract/helpdesk-api'
import { messageCases, type MessageCase } from '../../fixtures'
import { clientFailure, rawCall } from '../explain'
import { RuleFailure, type Rule, type RuleContext } from '../types'
import { sameResource } from './same-answer'

const RETRIED = 'message-text-from-user'

const conversationId = (ctx: RuleContext): string => {
  const conversation = ctx.state.conversation
  if (!conversation) throw new RuleFailure('a conversation from create-conversation', 'none', 'see create-conversation')
  return conversation.id
}

const casesOf = (ctx: RuleContext): MessageCase[] => messageCases(ctx.ids.botpressUserId, ctx.ids.messageId)

const caseNamed = (ctx: RuleContext, name: string): MessageCase => {
  const found = casesOf(ctx).find((c) => c.name === name)
  if (!found) throw new Error(`no message case ${name}`)
  return found
}

/** One rule per relayed type and author, so the report names the type a helpdesk refuses. */
const messageRule = (name: string): Rule => ({
  name,
  needs: ['create-conversation'],
  run: async (ctx) => {
    const { request } = caseNamed(ctx, name)
    try {
      const answer = await ctx.client.createMessage(conversationId(ctx), request)
      ctx.state.messages.set(name, answer)
    } catch (error) {
      throw clientFailure(ctx, error, {
        name: 'POST /conversations/{id}/messages',
        schemaName: 'CreateMessageRequest',
        expected: `2xx to a ${request.type} message from the ${request.author.type}${request.additionalData ? ' with additionalData' : ''}`,
        shapeFix:
          'answer 2xx with an empty body or a JSON object; its "id", when present, must be a string of 1 to 200 characters',
      })
    }
  },
})

const messageRetry: Rule = {
  name: 'create-message-retry',
  needs: [RETRIED],
  run: async (ctx) => {
    const first = ctx.state.messages.get(RETRIED)
    const firstId = typeof first?.id === 'string' ? first.id : undefined
    const expected = `the first answer again (2xx${firstId ? ` with id "${firstId}"` : ''}) for a repeated webhook-id`
    const { request } = caseNamed(ctx, RETRIED)
    const answer = await rawCall(ctx, expected, {
      method: 'POST',
      path: `/conversations/${encodeURIComponent(conversationId(ctx))}/messages`,
      webhookId: `message-${request.botpressMessageId}`,
      body: request,
    })
    sameResource(answer, firstId, createMessageResponseSchema, expected, 'message')
  },
}

export const messageRules = (): Rule[] => [
  ...messageCases('user', (n) => n).map((c) => messageRule(c.name)),
  messageRetry,
]
