/*
 * A whole handoff on one machine: an in-memory Botpress API, the integration served by the SDK's own server, a
 * driver playing the hitl plugin, the reference helpdesk (or yours), and the chat and agent console pages.
 */
import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import integration from '../src/index'
import { startBotpressApi, type BotpressApiServer } from './botpress-api'
import { createIntegrationCaller, type IntegrationCaller } from './cloud/integration-caller'
import { startReferenceHelpdesk, type ReferenceHelpdesk } from './helpdesk'
import { consoleHopLog, type HopLog } from './hop-log'
import { createHitlPlugin, type HitlPlugin } from './plugin/hitl-plugin'
import { startWebServer } from './web-server'

export type ExternalHelpdesk = { url: string; apiToken?: string; secret: string }

/** A helpdesk product reached through one of the additional configuration types (e.g. Request Tracker). */
export type ProductHelpdesk = {
  url: string
  configurationType: string
  /** The configuration, given the URL of the sandbox's logging pass-through to `url`. */
  configuration: (passThroughUrl: string) => Record<string, unknown>
}

export type SandboxOptions = {
  /** the chat page, the webhook URL and the helpdesk pass-through (default 8070; 0 = any free port) */
  port?: number
  /** the integration's SDK server (default 8072) */
  integrationPort?: number
  /** the reference helpdesk (default 8071) */
  helpdeskPort?: number
  /** the in-memory Botpress API (default 8073) */
  botpressApiPort?: number
  /** use this helpdesk instead of the reference one */
  helpdesk?: ExternalHelpdesk
  /** or this helpdesk product */
  product?: ProductHelpdesk
  hop?: HopLog
}

export type Sandbox = {
  chatUrl: string
  agentConsoleUrl?: string
  webhookUrl: string
  botpressApi: BotpressApiServer
  referenceHelpdesk?: ReferenceHelpdesk
  plugin: HitlPlugin
  caller: IntegrationCaller
  configuration: Record<string, unknown>
  close: () => Promise<void>
}

const BOT_ID = 'bot_sandbox'
const WEBHOOK_ID = 'wh_sandbox'

const listeningPort = (server: Server) => (server.address() as AddressInfo).port

export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`

export const startSandbox = async (options: SandboxOptions = {}): Promise<Sandbox> => {
  const hop = options.hop ?? consoleHopLog()
  const closers: Array<() => Promise<void> | void> = []
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne()
  }
  try {
    const botpressApi = await startBotpressApi({ port: options.botpressApiPort ?? 8073, log: () => {} })
    closers.push(() => botpressApi.close())
    process.env.BP_API_URL = botpressApi.url

    const integrationServer = await integration.start(options.integrationPort ?? 8072)
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          integrationServer.closeAllConnections()
          integrationServer.close(() => resolve())
        })
    )

    const secret = options.helpdesk?.secret ?? newWebhookSecret()
    const apiToken = options.helpdesk ? options.helpdesk.apiToken : `sandbox_${randomBytes(12).toString('hex')}`

    let referenceHelpdesk: ReferenceHelpdesk | undefined
    if (!options.helpdesk && !options.product) {
      referenceHelpdesk = await startReferenceHelpdesk({ port: options.helpdeskPort ?? 8071, secret, apiToken })
      closers.push(() => referenceHelpdesk?.close())
    }
    const targetHelpdeskUrl = options.product?.url ?? options.helpdesk?.url ?? referenceHelpdesk!.url

    let caller: IntegrationCaller | undefined
    let plugin: HitlPlugin | undefined
    const web = await startWebServer({
      port: options.port ?? 8070,
      plugin: { ...lazyPlugin(() => plugin) },
      caller: () => caller!,
      helpdeskUrl: () => targetHelpdeskUrl,
      agentConsoleUrl: () => (referenceHelpdesk ? `${referenceHelpdesk.url}/agent` : undefined),
      hop,
    })
    closers.push(() => web.close())

    const configuration = options.product?.configuration(`${web.url}/helpdesk`) ?? {
      helpdeskUrl: `${web.url}/helpdesk`,
      ...(apiToken ? { apiToken } : {}),
      webhookSecret: secret,
      requestTimeoutMs: 10000,
      historyLimit: 100,
    }
    caller = createIntegrationCaller({
      integrationUrl: `http://127.0.0.1:${listeningPort(integrationServer)}`,
      botId: BOT_ID,
      configuration,
      configurationType: options.product?.configurationType,
      webhookId: WEBHOOK_ID,
    })
    plugin = createHitlPlugin({ api: botpressApi, botId: BOT_ID, caller, hop })
    closers.push(() => plugin?.close())

    const webhookUrl = `${web.url}/webhook/${WEBHOOK_ID}`
    referenceHelpdesk?.setWebhookUrl(webhookUrl)
    await caller.register(webhookUrl)

    return {
      chatUrl: `${web.url}/chat`,
      agentConsoleUrl: referenceHelpdesk ? `${referenceHelpdesk.url}/agent` : undefined,
      webhookUrl,
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
