/*
 * `npm run serve`: only the integration, on 127.0.0.1, called exactly as Botpress Cloud calls it (x-bp-* headers).
 * BP_API_URL must name the Botpress API the integration's client talks to.
 */
import { allowLoopbackHelpdesk } from '../sandbox/allow-loopback-helpdesk'
import { serveIntegration } from '../sandbox/integration-server'
import { PortInUseError } from '../sandbox/listen'
import integration from '../src/index'

const fail = (message: string): never => {
  console.error(message)
  process.exit(2)
}

const main = async () => {
  if (!process.env.BP_API_URL) {
    fail('BP_API_URL is not set: give the URL of the Botpress API the integration calls, e.g. BP_API_URL=http://127.0.0.1:8073 npm run serve')
  }
  const raw = process.env.PORT
  const port = raw === undefined || raw === '' ? 8072 : Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT=${raw} is not a port number (0-65535).`)
  // A helpdesk on this machine is what one serves locally against; the URL rules refuse loopback without it.
  allowLoopbackHelpdesk()
  try {
    const server = await serveIntegration(integration.handler, port)
    console.log(`hitl integration listening on ${server.url} (BP_API_URL=${process.env.BP_API_URL})`)
  } catch (error) {
    if (error instanceof PortInUseError) fail(`${error.message}: stop what uses it, or choose another port with PORT=<port> npm run serve`)
    throw error
  }
}

main().catch((error: unknown) => {
  console.error(`The integration could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
