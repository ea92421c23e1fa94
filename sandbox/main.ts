/*
 * `npm start`: the sandbox with nothing to configure. With HELPDESK_URL (and HELPDESK_SECRET, optionally
 * HELPDESK_TOKEN) set, the integration talks to that helpdesk instead of the reference one.
 */
import { formatLine, writeLine } from './hop-log'
import type { LogSink } from './integration-logs'
import { PortInUseError } from './listen'
import { PORT_ROLES, startSandbox, type ExternalHelpdesk, type Sandbox, type SandboxPorts } from './start-sandbox'

const PORT_VARIABLES: Record<keyof SandboxPorts, { name: string; fallback: number }> = {
  port: { name: 'SANDBOX_PORT', fallback: 8070 },
  helpdeskPort: { name: 'SANDBOX_HELPDESK_PORT', fallback: 8071 },
  integrationPort: { name: 'SANDBOX_INTEGRATION_PORT', fallback: 8072 },
  botpressApiPort: { name: 'SANDBOX_BOTPRESS_API_PORT', fallback: 8073 },
}

const fail = (message: string): never => {
  console.error(message)
  process.exit(2)
}

const external = (): ExternalHelpdesk | undefined => {
  const url = process.env.HELPDESK_URL
  if (!url) return undefined
  const secret = process.env.HELPDESK_SECRET
  if (!secret) fail('HELPDESK_URL is set but HELPDESK_SECRET is not: give the whsec_... secret your helpdesk uses.')
  return { url, secret: secret!, apiToken: process.env.HELPDESK_TOKEN || undefined }
}

const ports = (): SandboxPorts => {
  const chosen: SandboxPorts = {}
  for (const [key, { name, fallback }] of Object.entries(PORT_VARIABLES) as Array<[keyof SandboxPorts, { name: string; fallback: number }]>) {
    const raw = process.env[name]
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

/** The integration's warnings and errors in the hop log's format; its routine lines would repeat the hops. */
const integrationLog: LogSink = (level, message) => {
  if (level === 'warn' || level === 'error') writeLine(formatLine(`integration ${level}`, message))
}

const shellQuote = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`)

const printKit = (sandbox: Sandbox) => {
  const { helpdeskUrl, configuration } = sandbox
  const token = configuration.apiToken ? ` --token ${shellQuote(configuration.apiToken)}` : ''
  console.log('')
  console.log('Reference helpdesk (development-only credentials, new at every start):')
  console.log(`  Base URL:        ${helpdeskUrl}`)
  console.log(`  Secret:          ${configuration.webhookSecret}`)
  if (configuration.apiToken) console.log(`  Token:           ${configuration.apiToken}`)
  console.log('  Check it with the conformance kit:')
  console.log(`    HITL_ALLOW_LOOPBACK_HELPDESK=1 npm run conformance -- --base-url ${helpdeskUrl} --secret ${shellQuote(configuration.webhookSecret)}${token}`)
  console.log('  When a ticket opens, a ready `npm run send-webhook` command for it is printed below.')
}

/** A signed agent message to the integration for a ticket the reference helpdesk just opened. */
const printSendWebhookFor = (sandbox: Sandbox, ticketId: string) => {
  const command = `npm run send-webhook -- --url ${sandbox.webhookUrl} --secret ${shellQuote(sandbox.configuration.webhookSecret)} message.created --conversation ${ticketId} --agent-id agent-kit --agent-name Kit --text "Hello from the kit"`
  writeLine(formatLine('kit', `ticket ${ticketId} opened; send it an agent message with:`))
  writeLine(`    ${command}`)
}

const main = async () => {
  if (process.env.HELPDESK === 'request-tracker') return (await import('./request-tracker/main')).main(ports())
  const helpdesk = external()
  let sandbox: Sandbox
  try {
    sandbox = await startSandbox({ ...ports(), helpdesk, integrationLog })
  } catch (error) {
    if (error instanceof PortInUseError) return fail(`The sandbox could not start: ${portAdvice(error)}`)
    throw error
  }
  console.log('')
  console.log('hitl sandbox is running on 127.0.0.1 (Ctrl-C to stop)')
  console.log(`  End-user chat:   ${sandbox.chatUrl}   (?session=<id> opens a given conversation)`)
  if (sandbox.agentConsoleUrl) console.log(`  Agent console:   ${sandbox.agentConsoleUrl}`)
  if (helpdesk) {
    const webPort = new URL(sandbox.chatUrl).port
    console.log(`  Your helpdesk:   ${helpdesk.url}`)
    console.log(`  Webhook URL:     ${sandbox.webhookUrl}`)
    console.log('    Set it as the integration\'s webhook URL in your helpdesk. It is a loopback address: only a helpdesk')
    console.log(`    running on this machine can call it. For a hosted helpdesk, expose port ${webPort} with a tunnel`)
    console.log(`    (e.g. \`cloudflared tunnel --url http://127.0.0.1:${webPort}\` or \`ngrok http ${webPort}\`) and give it`)
    console.log(`    <tunnel URL>${new URL(sandbox.webhookUrl).pathname} instead.`)
    console.log('  Check your helpdesk with the conformance kit (it creates a test user and ticket there):')
    console.log(
      `    npm run conformance -- --base-url "$HELPDESK_URL" --secret "$HELPDESK_SECRET"${helpdesk.apiToken ? ' --token "$HELPDESK_TOKEN"' : ''}`
    )
  } else {
    printKit(sandbox)
    const reference = sandbox.referenceHelpdesk
    reference?.onChange((change) => {
      if (change.kind !== 'ticket.created' || !change.ticketId) return
      // only tickets of chat conversations; the conformance kit's test tickets have no Botpress conversation
      const ticket = reference.store.ticket(change.ticketId)
      const fromChat = sandbox.botpressApi.store.conversations().some((c) => c.id === ticket?.botpressConversationId)
      if (fromChat) printSendWebhookFor(sandbox, change.ticketId)
    })
  }
  console.log('')
  console.log('In the chat, type /human to reach an agent and /end to go back to the bot. Every hop is logged below.')
  console.log('')

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    console.log('\nStopping the sandbox…')
    await sandbox.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(`The sandbox could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
