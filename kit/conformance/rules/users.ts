import { createdResourceSchema } from '../../../contract/helpdesk-api'
import { createUserRequest } from '../../fixtures'
import { clientFailure, rawCall } from '../explain'
import { RuleFailure, type Rule } from '../types'
import { sameResource } from './same-answer'

const testUser = (botpressUserId: string) => ({ ...createUserRequest(botpressUserId), name: 'hitl conformance check (test user)' })

const ID_SHAPE = 'a JSON body { "id": "<your id>" } (a string of 1 to 200 characters)'

export const createUser: Rule = {
  name: 'create-user',
  run: async (ctx) => {
    try {
      const answer = await ctx.client.createUser(testUser(ctx.ids.botpressUserId))
      ctx.state.user = { id: answer.id, answer }
    } catch (error) {
      throw clientFailure(ctx, error, {
        name: 'POST /users',
        schemaName: 'CreateUserRequest',
        expected: `2xx with ${ID_SHAPE}`,
        shapeFix: `answer POST /users with 200 or 201 and ${ID_SHAPE}`,
      })
    }
  },
}

/** The integration's retry of POST /users (same `webhook-id`) must find the same user, not make a second one. */
export const createUserRetry: Rule = {
  name: 'create-user-retry',
  needs: ['create-user'],
  run: async (ctx) => {
    const first = ctx.state.user
    if (!first) throw new RuleFailure('a user from create-user', 'none', 'see create-user')
    const expected = `the first answer again (2xx with id "${first.id}") for a repeated webhook-id`
    const answer = await rawCall(ctx, expected, {
      method: 'POST',
      path: '/users',
      webhookId: `user-${ctx.ids.botpressUserId}`,
      body: testUser(ctx.ids.botpressUserId),
    })
    sameResource(answer, first.id, createdResourceSchema, expected, 'user')
  },
}
