import { createdResourceSchema } from '../../../contract/helpdesk-api'
import { MAX_REQUEST_BYTES } from '../../../contract/helpdesk-api'
import { createConversationRequest, historyTypes, largeConversationRequest, type Ids } from '../../fixtures'
import { clientFailure, describeAnswer, rawCall } from '../explain'
import { RuleFailure, type Rule, type RuleContext } from '../types'
import { sameResource } from './same-answer'

const ID_SHAPE = 'a JSON body { "id": "<your conversation id>" } (a string of 1 to 200 characters)'

const idsOf = (ctx: RuleContext): Ids => {
  const user = ctx.state.user
  if (!user) throw new RuleFailure('a user from create-user', 'none', 'see create-user')
  return { botpressUserId: ctx.ids.botpressUserId, botpressConversationId: ctx.ids.botpressConversationId, helpdeskUserId: user.id }
}

/** The request the integration would send, titled so that a helpdesk agent knows the ticket is a test. */
const testTicket = (ctx: RuleContext) => ({
  ...createConversationRequest(idsOf(ctx)),
  title: `hitl conformance check ${ctx.ids.runId} (test ticket, safe to delete)`,
})

/** POST /conversations with a history holding every message type a history may hold. */
export const createConversation: Rule = {
  name: 'create-conversation',
  needs: ['create-user'],
  run: async (ctx) => {
    try {
      const answer = await ctx.client.createConversation(testTicket(ctx))
      ctx.state.conversation = { id: answer.id, answer }
    } catch (error) {
      throw clientFailure(ctx, error, {
        name: 'POST /conversations',
        schemaName: 'CreateConversationRequest',
        expected: `2xx with ${ID_SHAPE}, for a history holding ${historyTypes.join(', ')} and a \`reference\` (keep it or ignore it)`,
        shapeFix: `answer POST /conversations with 200 or 201 and ${ID_SHAPE}`,
      })
    }
  },
}

export const createConversationRetry: Rule = {
  name: 'create-conversation-retry',
  needs: ['create-conversation'],
  run: async (ctx) => {
    const first = ctx.state.conversation
    if (!first) throw new RuleFailure('a conversation from create-conversation', 'none', 'see create-conversation')
    const expected = `the first answer again (2xx with id "${first.id}") for a repeated webhook-id`
    const answer = await rawCall(ctx, expected, {
      method: 'POST',
      path: '/conversations',
      webhookId: `conversation-${ctx.ids.botpressConversationId}`,
      body: testTicket(ctx),
    })
    sameResource(answer, first.id, createdResourceSchema, expected, 'conversation')
  },
}

/** The contract lets a request be up to 1 MiB; a helpdesk must accept one that large (a long history and summary). */
export const createLargeConversation: Rule = {
  name: 'create-conversation-large',
  needs: ['create-user'],
  run: async (ctx) => {
    const ids = { ...idsOf(ctx), botpressConversationId: `${ctx.ids.botpressConversationId}_large` }
    const request = {
      ...largeConversationRequest(ids),
      title: `hitl conformance check ${ctx.ids.runId}, large request (test ticket, safe to delete)`,
    }
    const size = Buffer.byteLength(JSON.stringify(request))
    if (size > MAX_REQUEST_BYTES) throw new RuleFailure(`a request of at most ${MAX_REQUEST_BYTES} bytes`, `${size}`, 'fix the checker')
    const expected = `2xx with an id for a POST /conversations of ${Math.round(size / 1024)} KiB (the contract allows up to 1 MiB)`
    const answer = await rawCall(ctx, expected, {
      method: 'POST',
      path: '/conversations',
      webhookId: `conversation-${ids.botpressConversationId}`,
      body: request,
    })
    if (answer.status === 413) {
      throw new RuleFailure(expected, describeAnswer(answer), 'accept request bodies up to 1 MiB (raise the body size limit of your server or proxy)')
    }
    sameResource(answer, undefined, createdResourceSchema, expected, 'conversation')
  },
}
