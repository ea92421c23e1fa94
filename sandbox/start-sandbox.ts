/*
 * A whole handoff on one machine: an in-memory Botpress API, the integration served on loopback, a driver playing
 * the hitl plugin, the reference helpdesk (or yours), and the chat and agent console pages.
 */
import type { Handler } from '@botpress/sdk'
import { randomBytes } from 'node:crypto'
import { allowLoopbackHelpdesk } from './allow-loopback-helpdesk'
import integration from '../src/index'
import { startBotpressApi, type BotpressApiServer } from './botpress-api'
import { createIntegrationCaller, type IntegrationCaller } from './cloud/integration-caller'
import { startReferenceHelpdesk, type ReferenceHelpdesk } from './helpdesk'
import { observeHelpdeskCalls } from './helpdesk-calls'
import { consoleHopLog, type HopLog } from './hop-log'
import { withLogSink, type LogSink } from './integration-logs'
import { serveIntegration } from './integration-server'
import { namingPort } from './listen'
import { createHitlPlugin, type HitlPlugin } from './plugin/hitl-plugin'
import { startWebServer } from './web-server'

export type ExternalHelpdesk = { url: string; apiToken?: string; secret: string }

/** A helpdesk product reached through one of the additional configuration types (e.g. Request Tracker). */
export type ProductHelpdesk = {
  url: string
  configurationType: string
  configuration: Record<string, unknown>
}

export type SandboxPorts = {
  /** the chat page and the webhook URL (default 8070; 0 = any free port) */
  port?: number
  /** the reference helpdesk and its agent console (default 8071) */
  helpdeskPort?: number
  /** the integration's HTTP server (default 8072) */
  integrationPort?: number
  /** the in-memory Botpress API (default 8073) */
  botpressApiPort?: number
}

export type SandboxOptions = SandboxPorts & {
  /** use this helpdesk instead of the reference one; the integration is configured with its URL as given */
  helpdesk?: ExternalHelpdesk
  /** or this helpdesk product */
  product?: ProductHelpdesk
  hop?: HopLog
  /** what the integration logs while it handles a request (default: nothing) */
  integrationLog?: LogSink
}

/** Which server a port belongs to, as named in a `PortInUseError`. */
export const PORT_ROLES: Record<keyof SandboxPorts, string> = {
  port: 'the chat page and webhook URL',
  helpdeskPort: 'the reference helpdesk',
  integrationPort: 'the integration',
  botpressApiPort: 'the local Botpress API',
}

export type Sandbox = {
  chatUrl: string
  agentConsoleUrl?: string
  webhookUrl: string
  /** the integration's HTTP server, on 127.0.0.1 */
  integrationUrl: string
  /** the helpdesk the integration calls: yours, or the reference helpdesk's base URL */
  helpdeskUrl: string
  botpressApi: BotpressApiServer
  referenceHelpdesk?: ReferenceHelpdesk
  plugin: HitlPlugin
  caller: IntegrationCaller
  /** the hitl contract's configuration (with a `product`, the integration gets the product's own instead) */
  configuration: { helpdeskUrl: string; apiToken?: string; webhookSecret: string; requestTimeoutMs: number; historyLimit: number }
  close: () => Promise<void>
}

const BOT_ID = 'bot_sandbox'
const WEBHOOK_ID = 'wh_sandbox'

export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`

export const startSandbox = async (options: SandboxOptions = {}): Promise<Sandbox> => {
  allowLoopbackHelpdesk()
  const hop = options.hop ?? consoleHopLog()
  const integrationLog = options.integrationLog ?? (() => {})
  const closers: Array<() => Promise<void> | void> = []
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne()
  }
  try {
    const botpressApiPort = options.botpressApiPort ?? 8073
    const botpressApi = await namingPort(botpressApiPort, PORT_ROLES.botpressApiPort, () =>
      startBotpressApi({ port: botpressApiPort, log: () => {} })
    )
    closers.push(() => botpressApi.close())
    // The SDK's client reads BP_API_URL on every request; it is put back when this sandbox closes or fails to start.
    const previousApiUrl = process.env.BP_API_URL
    process.env.BP_API_URL = botpressApi.url
    closers.push(() => {
      if (process.env.BP_API_URL !== botpressApi.url) return
      if (previousApiUrl === undefined) delete process.env.BP_API_URL
      else process.env.BP_API_URL = previousApiUrl
    })

    const handler: Handler = (req) => withLogSink(integrationLog, () => integration.handler(req))
    const integrationPort = options.integrationPort ?? 8072
    const integrationServer = await namingPort(integrationPort, PORT_ROLES.integrationPort, () =>
      serveIntegration(handler, integrationPort)
    )
    closers.push(() => integrationServer.close())

    const secret = options.helpdesk?.secret ?? newWebhookSecret()
    const apiToken = options.helpdesk ? options.helpdesk.apiToken : `sandbox_${randomBytes(12).toString('hex')}`

    let referenceHelpdesk: ReferenceHelpdesk | undefined
    if (!options.helpdesk && !options.product) {
      const helpdeskPort = options.helpdeskPort ?? 8071
      referenceHelpdesk = await namingPort(helpdeskPort, PORT_ROLES.helpdeskPort, () =>
        startReferenceHelpdesk({ port: helpdeskPort, secret, apiToken })
      )
      closers.push(() => referenceHelpdesk?.close())
    }
    const helpdeskUrl = options.product?.url ?? options.helpdesk?.url ?? referenceHelpdesk!.url
    const agentConsoleUrl = referenceHelpdesk ? `${referenceHelpdesk.url}/agent` : undefined

    const stopObserving = observeHelpdeskCalls(helpdeskUrl, (call) =>
      hop(
        'integration → helpdesk',
        `${call.method} ${call.path} → ${'status' in call ? call.status : `no answer (${call.error})`} (${call.ms} ms)`
      )
    )
    closers.push(stopObserving)

    let caller: IntegrationCaller | undefined
    let plugin: HitlPlugin | undefined
    const webPort = options.port ?? 8070
    const web = await namingPort(webPort, PORT_ROLES.port, () =>
      startWebServer({
        port: webPort,
        plugin: { ...lazyPlugin(() => plugin) },
        caller: () => caller!,
        agentConsoleUrl: () => agentConsoleUrl,
        hop,
      })
    )
    closers.push(() => web.close())

    const configuration = {
      helpdeskUrl,
      ...(apiToken ? { apiToken } : {}),
      webhookSecret: secret,
      requestTimeoutMs: 10000,
      historyLimit: 100,
    }
    caller = createIntegrationCaller({
      integrationUrl: integrationServer.url,
      botId: BOT_ID,
      configuration: options.product?.configuration ?? configuration,
      configurationType: options.product?.configurationType,
      webhookId: WEBHOOK_ID,
    })
    plugin = createHitlPlugin({ api: botpressApi, botId: BOT_ID, caller, hop })
    closers.push(() => plugin?.close())

    const webhookUrl = `${web.url}/webhook/${WEBHOOK_ID}`
    referenceHelpdesk?.setWebhookUrl(webhookUrl)
    try {
      await caller.register(webhookUrl)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      throw new Error(`The integration could not register with the helpdesk at ${helpdeskUrl}: ${message}`)
    }

    return {
      chatUrl: `${web.url}/chat`,
      agentConsoleUrl,
      webhookUrl,
      integrationUrl: integrationServer.url,
      helpdeskUrl,
      botpressApi,
      referenceHelpdesk,
      plugin,
      caller,
      configuration,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** The web server starts before the plugin exists (the plugin needs the webhook URL's server); calls wait for it. */
const lazyPlugin = (get: () => HitlPlugin | undefined): HitlPlugin => {
  const plugin = () => {
    const p = get()
    if (!p) throw new Error('the sandbox is still starting')
    return p
  }
  return {
    fromEndUser: (...args) => plugin().fromEndUser(...args),
    session: (...args) => plugin().session(...args),
    onChange: (...args) => plugin().onChange(...args),
    downstreamConversationId: (...args) => plugin().downstreamConversationId(...args),
    close: () => plugin().close(),
  }
}
