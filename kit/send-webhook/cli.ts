import { parseArgs } from 'node:util'
import { isSigningSecret } from '../../contract/signature'
import { isMain, runMain, USAGE_ERROR, UsageError, type Io } from '../cli-util'
import { describeNetworkError } from '../conformance/http'
import { buildEvent, InvalidEventError, isEventType, type EventInput } from './build-event'
import { newWebhookId, sendWebhook, signedDelivery } from './send'

export const USAGE = `Sends one signed hitl event to the integration's webhook URL, as a helpdesk would.

Usage: npm run send-webhook -- --url URL --secret whsec_... EVENT [options]

  message.created     --conversation ID --text "..." [--agent-id A] [--agent-name N] [--message-id M]
                      (or --message-type image --payload '{"imageUrl":"https://..."}' instead of --text)
  agent.assigned      --conversation ID --agent-id A [--agent-name N]
  conversation.closed --conversation ID [--reason R]

  --reference R        the reference the integration sent in POST /conversations for this conversation, echoed as
                       the event's \`reference\` (optional: without it, the integration looks the conversation up)
  --url URL            the integration's webhook URL (env HITL_WEBHOOK_URL)
  --secret S           the shared Standard Webhooks secret, whsec_... (env HITL_WEBHOOK_SECRET)
  --agent-email E, --agent-picture-url U   more agent fields
  --event-id E         the event id (default: a new one)
  --occurred-at T      when it happened, ISO 8601 (default: now)
  --webhook-id W       the delivery id, webhook-id header (default: a new one); reuse both to replay a delivery
  --timeout MS         (default 15000)
  --dry-run            print the signed request instead of sending it

The conversation id is the helpdesk's id, the one answered to POST /conversations.
Prints the answer's status and body; exits 1 when it is not 2xx, 2 on a usage error.
`

const options = {
  url: { type: 'string' },
  secret: { type: 'string' },
  conversation: { type: 'string' },
  reference: { type: 'string' },
  text: { type: 'string' },
  'message-type': { type: 'string' },
  payload: { type: 'string' },
  'agent-id': { type: 'string' },
  'agent-name': { type: 'string' },
  'agent-email': { type: 'string' },
  'agent-picture-url': { type: 'string' },
  'message-id': { type: 'string' },
  reason: { type: 'string' },
  'event-id': { type: 'string' },
  'occurred-at': { type: 'string' },
  'webhook-id': { type: 'string' },
  timeout: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

type Parsed = { url: string; secret: string; event: EventInput; webhookId?: string; timeoutMs: number; dryRun: boolean }

export const parseCommandLine = (argv: string[], env: Io['env']): Parsed | 'help' => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options })
  if (values.help) return 'help'
  const [type, ...rest] = positionals
  if (!type) throw new UsageError('which event? message.created, agent.assigned or conversation.closed')
  if (!isEventType(type)) throw new UsageError(`unknown event ${type}: use message.created, agent.assigned or conversation.closed`)
  if (rest.length) throw new UsageError(`unexpected argument: ${rest.join(' ')} (quote a text with spaces)`)
  const url = values.url ?? env.HITL_WEBHOOK_URL
  const secret = values.secret ?? env.HITL_WEBHOOK_SECRET
  if (!url) throw new UsageError('--url is required')
  if (!secret) throw new UsageError('--secret is required')
  if (!values.conversation) throw new UsageError('--conversation is required')
  if (type === 'agent.assigned' && !values['agent-id']) throw new UsageError('agent.assigned needs --agent-id')
  if (!isSigningSecret(secret)) throw new UsageError('--secret is not a Standard Webhooks secret (whsec_ followed by base64)')
  const timeoutMs = values.timeout === undefined ? 15_000 : Number(values.timeout)
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout must be a positive number of milliseconds')
  return {
    url,
    secret,
    webhookId: values['webhook-id'],
    timeoutMs,
    dryRun: values['dry-run'] ?? false,
    event: {
      type,
      conversationId: values.conversation,
      reference: values.reference,
      eventId: values['event-id'],
      occurredAt: values['occurred-at'],
      agentId: values['agent-id'],
      agentName: values['agent-name'],
      agentEmail: values['agent-email'],
      agentPictureUrl: values['agent-picture-url'],
      messageId: values['message-id'],
      text: values.text,
      messageType: values['message-type'],
      payload: values.payload,
      reason: values.reason,
    },
  }
}

export const main = async (argv: string[], io: Io): Promise<number> => {
  let parsed: Parsed | 'help'
  let event: ReturnType<typeof buildEvent>
  try {
    parsed = parseCommandLine(argv, io.env)
    if (parsed === 'help') {
      io.stdout(USAGE)
      return 0
    }
    event = buildEvent(parsed.event)
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof InvalidEventError || error instanceof TypeError)) throw error
    io.stderr(`${error.message}\n\n${USAGE}`)
    return USAGE_ERROR
  }
  const webhookId = parsed.webhookId ?? newWebhookId()
  const replay = [
    `--event-id ${event.id}`,
    ...(event.occurredAt ? [`--occurred-at ${event.occurredAt}`] : []),
    `--webhook-id ${webhookId}`,
    ...(event.type === 'message.created' ? [`--message-id ${event.message.id}`] : []),
  ].join(' ')

  if (parsed.dryRun) {
    const { body, headers } = signedDelivery(parsed.secret, event, webhookId)
    io.stdout(`POST ${parsed.url}\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${body}\n`)
    return 0
  }
  io.stdout(`POST ${parsed.url} ${event.type} (webhook-id ${webhookId}, event id ${event.id})\n`)
  let sent: Awaited<ReturnType<typeof sendWebhook>>
  try {
    sent = await sendWebhook({ url: parsed.url, secret: parsed.secret, event, webhookId, timeoutMs: parsed.timeoutMs })
  } catch (error) {
    io.stderr(`No answer from ${parsed.url}: ${describeNetworkError(error)}\n`)
    return 1
  }
  io.stdout(`${sent.status} ${sent.responseBody || '(empty body)'}\n`)
  io.stdout(`To replay this delivery, add: ${replay}\n`)
  const ok = sent.status >= 200 && sent.status < 300
  if (!ok) io.stderr(`The webhook answered ${sent.status}; see docs/troubleshooting.md\n`)
  return ok ? 0 : 1
}

if (isMain(import.meta.url)) runMain(main)
