/*
 * The integration's HTTP server, bound to loopback. The SDK's `integration.start(port)` listens on every interface
 * and its request mapping is not exported, so this serves `integration.handler` the same way: one `Request`
 * (`body` for POST/PUT/PATCH, `path`, `query` without `?`, lower-cased headers, upper-cased method) per HTTP request,
 * `GET /health` answered `ok`, and a handler that throws answered 500 with its message.
 */
import type { Handler, Request } from '@botpress/sdk'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { listenOnLoopback } from './listen'

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])

const readText = (req: IncomingMessage): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    if (!BODY_METHODS.has((req.method ?? 'GET').toUpperCase())) return resolve(undefined)
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })

export const toSdkRequest = async (req: IncomingMessage): Promise<Request> => {
  const headers: Request['headers'] = {}
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]!.toLowerCase()] = req.rawHeaders[i + 1]
  const url = new URL(req.url ?? '/', 'http://integration')
  return {
    body: await readText(req),
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    headers,
    method: (req.method ?? 'GET').toUpperCase(),
  }
}

export type IntegrationServer = { server: Server; url: string; close: () => Promise<void> }

/** Serves `handler` on 127.0.0.1:`port` (0: any free port); rejects with a `PortInUseError` on a clash. */
export const serveIntegration = async (handler: Handler, port: number): Promise<IntegrationServer> => {
  const server = createServer((req, res) => {
    const answer = async () => {
      const request = await toSdkRequest(req)
      if (request.path === '/health') return res.writeHead(200).end('ok')
      const response = await handler(request)
      res.writeHead(response?.status ?? 200, response?.headers ?? {}).end(response?.body ?? '{}')
    }
    answer().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error)
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: message }))
    })
  })
  const url = await listenOnLoopback(server, port, 'the integration')
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
