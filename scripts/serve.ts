/*
 * `npm run serve`: only the integration, on 127.0.0.1, called exactly as Botpress Cloud calls it (x-bp-* headers).
 * BP_API_URL must name the Botpress API the integration's client talks to. `serveCommand` is the whole command with
 * its environment and output given, so that a test runs it in-process.
 */
import { isMain, processIo, type Io } from '../kit/cli-util'
import { allowLoopbackHelpdesk } from '../sandbox/allow-loopback-helpdesk'
import { serveIntegration, type IntegrationServer } from '../sandbox/integration-server'
import { PortInUseError } from '../sandbox/listen'
import integration from '../src/index'

/** Exit code when the command cannot start as configured (a missing variable, a port in use). */
export const CANNOT_START = 2

/** Serves the integration as `npm run serve` does; resolves to the server, or to CANNOT_START after saying why. */
export const serveCommand = async (io: Io): Promise<IntegrationServer | typeof CANNOT_START> => {
  const refuse = (message: string): typeof CANNOT_START => {
    io.stderr(`${message}\n`)
    return CANNOT_START
  }
  if (!io.env.BP_API_URL) {
    return refuse('BP_API_URL is not set: give the URL of the Botpress API the integration calls, e.g. BP_API_URL=http://127.0.0.1:8073 npm run serve')
  }
  const raw = io.env.PORT
  const port = raw === undefined || raw === '' ? 8072 : Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return refuse(`PORT=${raw} is not a port number (0-65535).`)
  // A helpdesk on this machine is what one serves locally against; the URL rules refuse loopback without it.
  allowLoopbackHelpdesk()
  try {
    const server = await serveIntegration(integration.handler, port)
    io.stdout(`hitl integration listening on ${server.url} (BP_API_URL=${io.env.BP_API_URL})\n`)
    return server
  } catch (error) {
    if (error instanceof PortInUseError) return refuse(`${error.message}: stop what uses it, or choose another port with PORT=<port> npm run serve`)
    throw error
  }
}

if (isMain(import.meta.url)) {
  serveCommand(processIo).then(
    (started) => {
      if (started === CANNOT_START) process.exit(CANNOT_START)
    },
    (error: unknown) => {
      console.error(`The integration could not start: ${error instanceof Error ? error.message : String(error)}`)
      process.exit(1)
    }
  )
}
