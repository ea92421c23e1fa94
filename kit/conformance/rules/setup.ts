import { randomUUID } from 'node:crypto'
import { configurationSchema } from '../../../definitions/configuration'
import { helpdeskUrlRefusal, LOOPBACK_OPT_IN } from '../../../src/helpdesk/address-rules'
import { formatIssues } from '../../../src/validation-issues'
import { clientFailure, describeAnswer, rawCall } from '../explain'
import { RuleFailure, type Rule } from '../types'

/** The base URL and secret must be ones the integration's configuration accepts. */
export const configuration: Rule = {
  name: 'configuration',
  run: async ({ options }) => {
    const result = configurationSchema.safeParse({
      helpdeskUrl: options.baseUrl,
      apiToken: options.token,
      webhookSecret: options.secret,
    })
    if (result.success) {
      // the address rules the integration applies when it is saved (and again on every connection)
      const refusal = helpdeskUrlRefusal(options.baseUrl)
      if (!refusal) return
      throw new RuleFailure(
        'a base URL whose host the integration may connect to',
        `${refusal.message} (rule: ${refusal.rule})`,
        `serve the API on a public host name; for a helpdesk on this machine, run with ${LOOPBACK_OPT_IN}=1 (loopback only)`
      )
    }
    throw new RuleFailure(
      'a base URL and secret the integration configuration accepts',
      formatIssues(result.error.issues)
        .map((i) => `${i.path} ${i.message}`)
        .join('; '),
      'serve the API over https:// (http:// only on localhost), and use a secret "whsec_" + base64 of at least 24 random bytes (e.g. `echo whsec_$(openssl rand -base64 32)`)'
    )
  },
}

/** GET /health, signed, as the integration calls it when it is saved. */
export const health: Rule = {
  name: 'health',
  needs: ['configuration'],
  run: async (ctx) => {
    try {
      await ctx.client.health(`health-${randomUUID()}`)
    } catch (error) {
      throw clientFailure(ctx, error, {
        name: 'GET /health',
        schemaName: 'getHealth',
        expected: 'a 2xx answer to a signed GET /health',
        shapeFix: 'answer GET /health with any 2xx',
      })
    }
  },
}

/** The integration relies on GET /health to tell the bot builder, when saving, that the secret is wrong. */
export const healthChecksSignature: Rule = {
  name: 'health-refuses-wrong-signature',
  needs: ['health'],
  run: async (ctx) => {
    const expected = '401 or 403 to GET /health signed with another secret'
    const answer = await rawCall(ctx, expected, {
      method: 'GET',
      path: '/health',
      webhookId: `health-${randomUUID()}`,
      signing: { kind: 'wrong-secret' },
    })
    if (answer.status === 401 || answer.status === 403) return
    throw new RuleFailure(
      expected,
      describeAnswer(answer),
      'verify the signature on GET /health too: the integration calls it when it is saved, so that a wrong secret is reported at once'
    )
  },
}
