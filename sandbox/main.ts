/*
 * `npm start`: the sandbox with nothing to configure. With HELPDESK_URL (and HELPDESK_SECRET, optionally
 * HELPDESK_TOKEN) set, the integration talks to that helpdesk instead of the reference one.
 * `startCommand` is the whole command with its environment and output given, so that a test runs it in-process.
 */
import { isMain, processIo, type Io } from '../kit/cli-util'
import { consoleHopLog, formatLine } from './hop-log'
import type { LogSink } from './integration-logs'
import { PortInUseError } from './listen'
import { PORT_ROLES, startSandbox, type ExternalHelpdesk, type Sandbox, type SandboxPorts } from './start-sandbox'
import { stopOnSignal } from './stop-on-signal'

const PORT_VARIABLES: Record<keyof SandboxPorts, { name: string; fallback: number }> = {
  port: { name: 'SANDBOX_PORT', fallback: 8070 },
  helpdeskPort: { name: 'SANDBOX_HELPDESK_PORT', fallback: 8071 },
  integrationPort: { name: 'SANDBOX_INTEGRATION_PORT', fallback: 8072 },
  botpressApiPort: { name: 'SANDBOX_BOTPRESS_API_PORT', fallback: 8073 },
}

/** Exit code when the command cannot start as configured (a bad variable, a port in use). */
export const CANNOT_START = 2

/** The sandbox cannot start as configured: the message says which variable to change. */
class StartRefused extends Error {}

const fail = (message: string): never => {
  throw new StartRefused(message)
}

const external = (env: Io['env']): ExternalHelpdesk | undefined => {
  const url = env.HELPDESK_URL
  if (!url) return undefined
  const secret = env.HELPDESK_SECRET
  if (!secret) fail('HELPDESK_URL is set but HELPDESK_SECRET is not: give the whsec_... secret your helpdesk uses.')
  return { url, secret: secret!, apiToken: env.HELPDESK_TOKEN || undefined }
}

const ports = (env: Io['env']): SandboxPorts => {
  const chosen: SandboxPorts = {}
  for (const [key, { name, fallback }] of Object.entries(PORT_VARIABLES) as Array<[keyof SandboxPorts, { name: string; fallback: number }]>) {
    const raw = env[name]
    const port = raw === undefined || raw === '' ? fallback : Number(raw)
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`${name}=${raw} is not a port number (0-65535).`)
    chosen[key] = port
  }
  return chosen
}

/** Which variable moves the port that was taken. */
const portAdvice = (error: PortInUseError): string => {
  const key = (Object.keys(PORT_ROLES) as Array<keyof SandboxPorts>).find((k) => PORT_ROLES[k] === error.what)
  const variable = key ? PORT_VARIABLES[key].name : undefined
  return variable
    ? `${error.message}. Stop what uses it, or move ${error.what} to another port: ${variable}=<port> npm start`
    : error.message
}

/** Prints one line. */
type Say = (line: string) => void

/** The integration's warnings and errors in the hop log's format; its routine lines would repeat the hops. */
const integrationLog =
  (say: Say): LogSink =>
  (level, message) => {
    if (level === 'warn' || level === 'error') say(formatLine(`integration ${level}`, message))
  }

const shellQuote = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`)

const printKit = (sandbox: Sandbox, say: Say) => {
  const { helpdeskUrl, configuration } = sandbox
  const token = configuration.apiToken ? ` --token ${shellQuote(configuration.apiToken)}` : ''
  say('')
  say('Reference helpdesk (development-only credentials, new at every start):')
  say(`  Base URL:        ${helpdeskUrl}`)
  say(`  Secret:          ${configuration.webhookSecret}`)
  if (configuration.apiToken) say(`  Token:           ${configuration.apiToken}`)
  say('  Check it with the conformance kit:')
  say(`    HITL_ALLOW_LOOPBACK_HELPDESK=1 npm run conformance -- --base-url ${helpdeskUrl} --secret ${shellQuote(configuration.webhookSecret)}${token}`)
  say('  When a ticket opens, a ready `npm run send-webhook` command for it is printed below.')
}

/** A signed agent message to the integration for a ticket the reference helpdesk just opened, echoing its reference. */
const printSendWebhookFor = (sandbox: Sandbox, ticketId: string, reference: string, say: Say) => {
  const command = `npm run send-webhook -- --url ${sandbox.webhookUrl} --secret ${shellQuote(sandbox.configuration.webhookSecret)} message.created --conversation ${ticketId} --reference ${shellQuote(reference)} --agent-id agent-kit --agent-name Kit --text "Hello from the kit"`
  say(formatLine('kit', `ticket ${ticketId} opened; send it an agent message with:`))
  say(`    ${command}`)
}

/**
 * Starts the sandbox as `npm start` does and prints what a user needs; resolves to the running sandbox, or to
 * CANNOT_START after printing which variable to change.
 */
export const startCommand = async (io: Io): Promise<Sandbox | typeof CANNOT_START> => {
  const say: Say = (line) => io.stdout(`${line}\n`)
  let sandbox: Sandbox
  let helpdesk: ExternalHelpdesk | undefined
  try {
    helpdesk = external(io.env)
    sandbox = await startSandbox({ ...ports(io.env), helpdesk, hop: consoleHopLog(say), integrationLog: integrationLog(say) })
  } catch (error) {
    if (error instanceof StartRefused) io.stderr(`${error.message}\n`)
    else if (error instanceof PortInUseError) io.stderr(`The sandbox could not start: ${portAdvice(error)}\n`)
    else throw error
    return CANNOT_START
  }
  say('')
  say('hitl sandbox is running on 127.0.0.1 (Ctrl-C to stop)')
  say(`  End-user chat:   ${sandbox.chatUrl}   (?session=<id> opens a given conversation)`)
  if (sandbox.agentConsoleUrl) say(`  Agent console:   ${sandbox.agentConsoleUrl}`)
  if (helpdesk) {
    const webPort = new URL(sandbox.chatUrl).port
    say(`  Your helpdesk:   ${helpdesk.url}`)
    say(`  Webhook URL:     ${sandbox.webhookUrl}`)
    say('    Set it as the integration\'s webhook URL in your helpdesk. It is a loopback address: only a helpdesk')
    say(`    running on this machine can call it. For a hosted helpdesk, expose port ${webPort} with a tunnel`)
    say(`    (e.g. \`cloudflared tunnel --url http://127.0.0.1:${webPort}\` or \`ngrok http ${webPort}\`) and give it`)
    say(`    <tunnel URL>${new URL(sandbox.webhookUrl).pathname} instead.`)
    say('  Check your helpdesk with the conformance kit (it creates a test user and ticket there):')
    say(
      `    npm run conformance -- --base-url "$HELPDESK_URL" --secret "$HELPDESK_SECRET"${helpdesk.apiToken ? ' --token "$HELPDESK_TOKEN"' : ''}`
    )
  } else {
    printKit(sandbox, say)
    const reference = sandbox.referenceHelpdesk
    reference?.onChange((change) => {
      if (change.kind !== 'ticket.created' || !change.ticketId) return
      // only tickets of chat conversations; the conformance kit's test tickets have no Botpress conversation
      const ticket = reference.store.ticket(change.ticketId)
      const fromChat = sandbox.botpressApi.store.conversations().some((c) => c.id === ticket?.botpressConversationId)
      if (ticket && fromChat) printSendWebhookFor(sandbox, change.ticketId, ticket.reference, say)
    })
  }
  say('')
  say('In the chat, type /human to reach an agent and /end to go back to the bot. Every hop is logged below.')
  say('')

  return sandbox
}

const main = async () => {
  if (process.env.HELPDESK === 'request-tracker') {
    let chosen: SandboxPorts
    try {
      chosen = ports(process.env)
    } catch (error) {
      if (!(error instanceof StartRefused)) throw error
      console.error(error.message)
      process.exit(CANNOT_START)
    }
    return (await import('./request-tracker/main')).main(chosen)
  }
  const started = await startCommand(processIo)
  if (started === CANNOT_START) process.exit(CANNOT_START)
  stopOnSignal(started)
}

if (isMain(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`The sandbox could not start: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
