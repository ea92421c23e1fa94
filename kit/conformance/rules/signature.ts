import { createUserRequest } from '../../fixtures'
import { describeAnswer, rawCall } from '../explain'
import type { Signing } from '../http'
import { RuleFailure, type Rule } from '../types'

/** A request that must be refused, sent to POST /users with a valid body for a user of its own. */
const refused = (name: string, signing: Signing, what: string, fix: string): Rule => ({
  name,
  needs: ['health'],
  run: async (ctx) => {
    const botpressUserId = `${ctx.ids.botpressUserId}_${name}`
    const expected = `401 or 403 to POST /users ${what}`
    const answer = await rawCall(ctx, expected, {
      method: 'POST',
      path: '/users',
      webhookId: `user-${botpressUserId}`,
      body: { ...createUserRequest(botpressUserId), name: 'hitl conformance check (must be refused)' },
      signing,
    })
    if (answer.status === 401 || answer.status === 403) return
    throw new RuleFailure(expected, describeAnswer(answer), fix)
  },
})

export const signatureRules: Rule[] = [
  refused(
    'refuses-missing-signature',
    { kind: 'none' },
    'without webhook-* headers',
    'refuse (401) any request without webhook-id, webhook-timestamp and webhook-signature, before acting on it'
  ),
  refused(
    'refuses-wrong-signature',
    { kind: 'wrong-secret' },
    'signed with another secret',
    'verify webhook-signature with the shared whsec_ secret (a Standard Webhooks library does it) and answer 401 when no signature matches'
  ),
  refused(
    'refuses-stale-timestamp',
    { kind: 'stale', ageSeconds: 600 },
    'correctly signed 600 s ago',
    'reject a webhook-timestamp more than 300 s away from your clock with 401 (Standard Webhooks libraries do it in verify())'
  ),
]
