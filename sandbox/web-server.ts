/*
 * The sandbox's own HTTP server: the end-user chat page and its API, the webhook URL the helpdesk calls (forwarded
 * to the integration as a `webhook_received` operation) and a logging pass-through in front of the helpdesk.
 */
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { IntegrationCaller } from './cloud/integration-caller'
import type { HopLog } from './hop-log'
import type { HitlPlugin } from './plugin/hitl-plugin'

const WEB = join(__dirname, 'web')
const MAX_BODY = 2 * 1024 * 1024

export type WebServerOptions = {
  port: number
  plugin: HitlPlugin
  caller: () => IntegrationCaller
  helpdeskUrl: () => string
  agentConsoleUrl?: () => string | undefined
  hop: HopLog
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) req.destroy(new Error('body too large'))
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })

const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body))
}

const page = async (res: ServerResponse, file: string, type: string) => send(res, 200, await readFile(join(WEB, file)), type)

const headersOf = (req: IncomingMessage): Record<string, string> =>
  Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])))

export const startWebServer = async (options: WebServerOptions) => {
  const { plugin, hop } = options

  const chatApi = async (req: IncomingMessage, res: ServerResponse, sessionId: string, action: string | undefined) => {
    if (!/^[A-Za-z0-9_-]{6,64}$/.test(sessionId)) return send(res, 400, { error: 'bad session id' })
    if (req.method === 'GET' && !action) return send(res, 200, plugin.session(sessionId))
    if (req.method === 'POST' && action === 'messages') {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as {
        text?: string
        imageUrl?: string
        type?: string
        payload?: Record<string, unknown>
      }
      const message = body.type && body.payload
        ? { type: body.type, payload: body.payload }
        : body.imageUrl
          ? { type: 'image', payload: { imageUrl: body.imageUrl } }
          : { type: 'text', payload: { text: body.text ?? '' } }
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

  const webhook = async (req: IncomingMessage, res: ServerResponse, path: string, query: string) => {
    const body = (await readBody(req)).toString('utf8')
    let type = 'event'
    try {
      type = (JSON.parse(body) as { type?: string }).type ?? type
    } catch {}
    const answer = await options.caller().webhook({ method: req.method ?? 'POST', path, query, headers: headersOf(req), body })
    hop('helpdesk → integration', `${type} → ${answer.status} ${answer.body}`)
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body)
  }

  const helpdeskProxy = async (req: IncomingMessage, res: ServerResponse, rest: string) => {
    const body = await readBody(req)
    const started = Date.now()
    const headers = headersOf(req)
    delete headers.host
    delete headers['content-length']
    try {
      const answer = await fetch(`${options.helpdeskUrl().replace(/\/+$/, '')}${rest}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      })
      const text = await answer.text()
      hop('integration → helpdesk', `${req.method} ${rest.split('?')[0]} → ${answer.status} (${Date.now() - started} ms)`)
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
      res.end(text)
    } catch (error) {
      hop('integration → helpdesk', `${req.method} ${rest} → unreachable (${error instanceof Error ? error.message : error})`)
      res.writeHead(502).end()
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox')
    const path = url.pathname
    const handle = async () => {
      if (path === '/' || path === '/chat') return page(res, 'chat.html', 'text/html; charset=utf-8')
      if (path === '/chat.js') return page(res, 'chat.js', 'text/javascript; charset=utf-8')
      if (path === '/assets/parcel.svg') return page(res, 'parcel.svg', 'image/svg+xml')
      if (path === '/sandbox.json') return send(res, 200, { agentConsoleUrl: options.agentConsoleUrl?.() ?? null })
      const chat = /^\/chat\/api\/sessions\/([^/]+)(?:\/([a-z]+))?$/.exec(path)
      if (chat) return chatApi(req, res, chat[1]!, chat[2])
      if (path.startsWith('/webhook/')) return webhook(req, res, path, url.search.slice(1))
      if (path === '/helpdesk' || path.startsWith('/helpdesk/')) {
        return helpdeskProxy(req, res, `${path.slice('/helpdesk'.length)}${url.search}`)
      }
      return send(res, 404, { error: 'not found' })
    }
    handle().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: error instanceof Error ? error.message : String(error) })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
