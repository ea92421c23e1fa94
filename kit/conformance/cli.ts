import { parseArgs } from 'node:util'
import { isSigningSecret } from '../../contract/signature'
import { isMain, runMain, USAGE_ERROR, UsageError, type Io } from '../cli-util'
import { allPassed, formatResult, summarize } from './report'
import { DEFAULT_TIMEOUT_MS, runConformance } from './run'

export const USAGE = `Checks that a helpdesk implements the Botpress hitl contract, by calling it as the integration does.

Usage: npm run conformance -- --base-url URL --secret whsec_... [--token TOKEN] [--timeout MS] [--json]

  --base-url URL   the helpdesk API base URL, as set in the integration (env HITL_HELPDESK_URL)
  --secret S       the shared Standard Webhooks secret, whsec_... (env HITL_WEBHOOK_SECRET)
  --token T        the API token, if the helpdesk expects Authorization: Bearer (env HITL_API_TOKEN)
  --timeout MS     per-request timeout (default ${DEFAULT_TIMEOUT_MS})
  --json           print the results as JSON instead of lines

It creates a test user and a test conversation in the helpdesk, sends messages and closes the conversation.
Prints one line per rule and "N passed, M failed"; exits 1 when a rule fails, 2 on a usage error.
`

type Parsed = { baseUrl: string; secret: string; token?: string; timeoutMs: number; json: boolean }

export const parseCommandLine = (argv: string[], env: Io['env']): Parsed | 'help' => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'base-url': { type: 'string' },
      secret: { type: 'string' },
      token: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) return 'help'
  if (positionals.length) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`)
  const baseUrl = values['base-url'] ?? env.HITL_HELPDESK_URL
  const secret = values.secret ?? env.HITL_WEBHOOK_SECRET
  const token = values.token ?? env.HITL_API_TOKEN
  if (!baseUrl) throw new UsageError('--base-url is required')
  if (!secret) throw new UsageError('--secret is required')
  try {
    new URL(baseUrl)
  } catch {
    throw new UsageError(`--base-url is not a URL: ${baseUrl}`)
  }
  if (!isSigningSecret(secret)) throw new UsageError('--secret is not a Standard Webhooks secret (whsec_ followed by base64)')
  const timeoutMs = values.timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(values.timeout)
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout must be a positive number of milliseconds')
  return { baseUrl, secret, token: token || undefined, timeoutMs, json: values.json ?? false }
}

export const main = async (argv: string[], io: Io): Promise<number> => {
  let parsed: Parsed | 'help'
  try {
    parsed = parseCommandLine(argv, io.env)
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    return USAGE_ERROR
  }
  if (parsed === 'help') {
    io.stdout(USAGE)
    return 0
  }
  const { json, ...options } = parsed
  const results = await runConformance({
    ...options,
    onResult: json ? undefined : (result) => io.stdout(`${formatResult(result)}\n`),
  })
  if (json) io.stdout(`${JSON.stringify({ results, summary: summarize(results) }, null, 2)}\n`)
  else io.stdout(`${summarize(results)}\n`)
  return allPassed(results) ? 0 : 1
}

if (isMain(import.meta.url)) runMain(main)
