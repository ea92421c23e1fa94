/*
 * The sandbox's own HTTP server: the end-user chat page and its API, and the webhook URL the helpdesk calls
 * (forwarded to the integration as a `webhook_received` operation, as Botpress Cloud does).
 */
import { z } from '@botpress/sdk'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import type { IntegrationCaller } from './cloud/integration-caller'
import type { HopLog } from './hop-log'
import { listenOnLoopback } from './listen'
import type { HitlPlugin } from './plugin/hitl-plugin'

const WEB = join(__dirname, 'web')
const ICON = join(__dirname, '..', 'icon.svg')
/** Larger than the integration's own 1 MiB limit, so an oversized message gets the integration's answer. */
export const MAX_CHAT_BODY = 4 * 1024 * 1024
const MAX_WEBHOOK_BODY = 4 * 1024 * 1024

export type WebServerOptions = {
  port: number
  plugin: HitlPlugin
  caller: () => IntegrationCaller
  agentConsoleUrl?: () => string | undefined
  hop: HopLog
}

/** What the chat page posts: a text, an image URL, or one message of any type. */
const chatMessageSchema = z.union([
  z.object({ type: z.string().min(1), payload: z.record(z.unknown()) }),
  z.object({ imageUrl: z.string().min(1) }),
  z.object({ text: z.string() }),
])

/** The whole body, or `undefined` when it is over `limit` bytes (read to the end so the answer can be sent). */
const readBody = (req: IncomingMessage, limit: number) =>
  new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)))
    req.on('error', reject)
  })

const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body))
}

const page = async (res: ServerResponse, file: string, type: string) => send(res, 200, await readFile(file), type)

const headersOf = (req: IncomingMessage): Record<string, string> =>
  Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])))

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** `agent.assigned evt_… on tkt_…` for the hop log; the body as it came when it is not an event. */
const describeEvent = (body: string): string => {
  const event = z
    .object({ type: z.string(), id: z.string().optional(), conversationId: z.string().optional() })
    .safeParse(parseJson(body))
  if (!event.success) return `a body that is not an event (${body.length} bytes)`
  const { type, id, conversationId } = event.data
  return [type, id, conversationId ? `on ${conversationId}` : undefined].filter(Boolean).join(' ')
}

export const startWebServer = async (options: WebServerOptions) => {
  const { plugin, hop } = options

  const chatApi = async (req: IncomingMessage, res: ServerResponse, sessionId: string, action: string | undefined) => {
    if (!/^[A-Za-z0-9_-]{6,64}$/.test(sessionId)) return send(res, 400, { error: 'bad session id' })
    if (req.method === 'GET' && !action) return send(res, 200, plugin.session(sessionId))
    if (req.method === 'POST' && action === 'messages') {
      const raw = await readBody(req, MAX_CHAT_BODY)
      if (!raw) return send(res, 413, { error: `The message is larger than ${MAX_CHAT_BODY / 1024 / 1024} MiB` })
      const body = parseJson(raw.toString('utf8'))
      if (body === undefined) return send(res, 400, { error: 'The body is not JSON' })
      const parsed = chatMessageSchema.safeParse(body)
      if (!parsed.success) return send(res, 400, { error: 'Send { text }, { imageUrl } or { type, payload }' })
      const input = parsed.data
      const message =
        'type' in input
          ? input
          : 'imageUrl' in input
            ? { type: 'image', payload: { imageUrl: input.imageUrl } }
            : { type: 'text', payload: { text: input.text } }
      return send(res, 200, await plugin.fromEndUser(sessionId, message))
    }
    if (req.method === 'GET' && action === 'events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
      const push = (session: unknown) => res.write(`data: ${JSON.stringify(session)}\n\n`)
      push(plugin.session(sessionId))
      const off = plugin.onChange(sessionId, push)
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
      req.on('close', () => {
        off()
        clearInterval(keepAlive)
      })
      return
    }
    return send(res, 404, { error: 'not found' })
  }

  /** Logged when it arrives, so the line comes before the announcements and messages it causes. */
  const webhook = async (req: IncomingMessage, res: ServerResponse, path: string, query: string) => {
    const raw = await readBody(req, MAX_WEBHOOK_BODY)
    if (!raw) {
      hop('helpdesk → integration', `a body over ${MAX_WEBHOOK_BODY} bytes → 413`)
      return send(res, 413, { error: { code: 'body_too_large', message: 'The body is too large' } })
    }
    const body = raw.toString('utf8')
    hop('helpdesk → integration', describeEvent(body))
    const answer = await options.caller().webhook({ method: req.method ?? 'POST', path, query, headers: headersOf(req), body })
    if (answer.status >= 300) hop('helpdesk → integration', `  answered ${answer.status} ${answer.body.slice(0, 200)}`)
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body)
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox')
    const path = url.pathname
    const handle = async () => {
      if (path === '/' || path === '/chat') return page(res, join(WEB, 'chat.html'), 'text/html; charset=utf-8')
      if (path === '/chat.js') return page(res, join(WEB, 'chat.js'), 'text/javascript; charset=utf-8')
      if (path === '/follow.js') return page(res, join(WEB, 'follow.js'), 'text/javascript; charset=utf-8')
      if (path === '/assets/parcel.svg') return page(res, join(WEB, 'parcel.svg'), 'image/svg+xml')
      if (path === '/favicon.svg' || path === '/favicon.ico') return page(res, ICON, 'image/svg+xml')
      if (path === '/sandbox.json') return send(res, 200, { agentConsoleUrl: options.agentConsoleUrl?.() ?? null })
      const chat = /^\/chat\/api\/sessions\/([^/]+)(?:\/([a-z]+))?$/.exec(path)
      if (chat) return chatApi(req, res, chat[1]!, chat[2])
      if (path.startsWith('/webhook/')) return webhook(req, res, path, url.search.slice(1))
      return send(res, 404, { error: 'not found' })
    }
    handle().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: error instanceof Error ? error.message : String(error) })
      else res.end()
    })
  })
  const url = await listenOnLoopback(server, options.port, 'the sandbox web server')
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
