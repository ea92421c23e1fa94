/*
 * `npm start`: the sandbox with nothing to configure. With HELPDESK_URL (and HELPDESK_SECRET, optionally
 * HELPDESK_TOKEN) set, the integration talks to that helpdesk instead of the reference one.
 */
import { startSandbox, type ExternalHelpdesk } from './start-sandbox'

const external = (): ExternalHelpdesk | undefined => {
  const url = process.env.HELPDESK_URL
  if (!url) return undefined
  const secret = process.env.HELPDESK_SECRET
  if (!secret) {
    console.error('HELPDESK_URL is set but HELPDESK_SECRET is not: give the whsec_... secret your helpdesk uses.')
    process.exit(2)
  }
  return { url, secret, apiToken: process.env.HELPDESK_TOKEN || undefined }
}

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback)

const main = async () => {
  if (process.env.HELPDESK === 'request-tracker') return (await import('./request-tracker/main')).main(port)
  const helpdesk = external()
  const sandbox = await startSandbox({
    port: port('SANDBOX_PORT', 8070),
    helpdeskPort: port('SANDBOX_HELPDESK_PORT', 8071),
    integrationPort: port('SANDBOX_INTEGRATION_PORT', 8072),
    botpressApiPort: port('SANDBOX_BOTPRESS_API_PORT', 8073),
    helpdesk,
  })
  console.log('')
  console.log('hitl sandbox is running (Ctrl-C to stop)')
  console.log(`  End-user chat:   ${sandbox.chatUrl}`)
  if (sandbox.agentConsoleUrl) console.log(`  Agent console:   ${sandbox.agentConsoleUrl}`)
  if (helpdesk) {
    console.log(`  Your helpdesk:   ${helpdesk.url}`)
    console.log(`  Webhook URL:     ${sandbox.webhookUrl}   <- set this as the integration's webhook URL in your helpdesk`)
  }
  console.log('  In the chat, type /human to reach an agent and /end to go back to the bot.')
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
