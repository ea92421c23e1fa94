import { HelpdeskError } from '../../src/helpdesk/errors'
import { describeAnswer, describeNetworkError, type RawAnswer } from './http'
import { RuleFailure, type RuleContext } from './types'

const SECRET_FIX =
  'verify the signature with the same whsec_ secret, over the raw body bytes as received ("<webhook-id>.<webhook-timestamp>.<body>"), with a Standard Webhooks library'

/** What a helpdesk says when the bearer token, not the signature, is what it refused. */
const TOKEN_REFUSAL = /\b(bearer|token)\b/i

/** A failed call of the integration's client as a rule failure with a fix that fits the status. */
export const clientFailure = (
  ctx: RuleContext,
  error: unknown,
  call: { name: string; schemaName: string; expected: string; shapeFix: string }
): RuleFailure => {
  if (!(error instanceof HelpdeskError)) {
    return new RuleFailure(call.expected, error instanceof Error ? error.message : String(error), 'see the error above')
  }
  const said = error.message.replace(/^Helpdesk call \S+ \S+ /, '')
  const shape = /^answered with an unexpected body \((\d{3}) (.*)\); see the hitl contract$/.exec(said)
  const got = shape ? `${shape[1]} with a body that fails the schema (${shape[2]})` : said
  const { status, code } = error.failure
  let fix: string
  if ((status === 401 || status === 403) && TOKEN_REFUSAL.test(said)) {
    fix = ctx.options.token
      ? 'the helpdesk refused the API token given with --token: pass the token it expects (sent as Authorization: Bearer <token>)'
      : 'the helpdesk expects an API token: pass it with --token TOKEN (sent as Authorization: Bearer <token>)'
  } else if (status === 401 || status === 403) {
    fix = `the helpdesk refused a correctly signed call: ${SECRET_FIX}${ctx.options.token ? ', and accept the API token given with --token' : ''}`
  } else if (error.failure.kind === 'invalid_answer') {
    fix = shape ? call.shapeFix : 'answer with a small JSON body (at most 1 MiB once decompressed)'
  } else if (status === 404 && call.name.includes('{id}')) {
    fix = `accept the conversation id you answered to POST /conversations in the path (URL-encoded) of ${call.name}`
  } else if (status === 404 || status === 405) {
    fix = `serve ${call.name} under the base URL ${ctx.options.baseUrl}`
  } else if (status !== undefined && status >= 400 && status < 500) {
    fix = `accept this request: it follows the contract (schema ${call.schemaName} in docs/openapi.json); if the answer above names a field, compare it with the schema`
  } else if (status !== undefined && status >= 500) {
    fix = `the helpdesk failed on a valid request (schema ${call.schemaName} in docs/openapi.json): see its logs`
  } else if (code !== undefined) {
    fix = `check that the helpdesk is running and reachable at ${ctx.options.baseUrl}, and answers within ${ctx.config.requestTimeoutMs} ms`
  } else {
    fix = call.shapeFix
  }
  return new RuleFailure(call.expected, got, fix)
}

/** Runs a raw call; a network failure becomes a rule failure. */
export const rawCall = async (
  ctx: RuleContext,
  expected: string,
  request: Parameters<RuleContext['raw']['call']>[0]
): Promise<RawAnswer> => {
  try {
    return await ctx.raw.call(request)
  } catch (error) {
    throw new RuleFailure(
      expected,
      `no answer: ${describeNetworkError(error)}`,
      `check that the helpdesk is running and reachable at ${ctx.options.baseUrl}`
    )
  }
}

export const isSuccess = (status: number) => status >= 200 && status < 300

export { describeAnswer }
