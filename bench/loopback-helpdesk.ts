import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/*
 * The helpdesk side of the contract (section 2) at its cheapest: every call is answered at once with `{ id }`
 * (close and health with `{}`), nothing is verified, and a repeated `webhook-id` gets its first answer as the
 * contract asks. It counts the calls per operation, and how many of them were repeats.
 */

export type HelpdeskCall = { operation: string; webhookId: string | undefined; repeat: boolean }

export type LoopbackHelpdesk = {
  url: string
  calls: HelpdeskCall[]
  resetCalls(): void
  close(): Promise<void>
}

const operationOf = (method: string, path: string): string | undefined => {
  if (method === 'GET' && path === '/health') return 'GET /health'
  if (method !== 'POST') return undefined
  if (path === '/users') return 'POST /users'
  if (path === '/conversations') return 'POST /conversations'
  if (/^\/conversations\/[^/]+\/messages$/.test(path)) return 'POST /conversations/{id}/messages'
  if (/^\/conversations\/[^/]+\/close$/.test(path)) return 'POST /conversations/{id}/close'
  return undefined
}

export const startLoopbackHelpdesk = async (): Promise<LoopbackHelpdesk> => {
  const calls: HelpdeskCall[] = []
  const answers = new Map<string, string>()
  let nextId = 0

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const operation = operationOf(req.method ?? 'GET', path)
    const header = req.headers['webhook-id']
    const webhookId = typeof header === 'string' ? header : undefined
    if (!operation) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"no such call"}}')
      return
    }
    const first = webhookId === undefined ? undefined : answers.get(webhookId)
    calls.push({ operation, webhookId, repeat: first !== undefined })
    let body = first
    if (body === undefined) {
      body = operation.endsWith('/close') || operation === 'GET /health' ? '{}' : `{"id":"hd_${++nextId}"}`
      if (webhookId !== undefined) answers.set(webhookId, body)
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body)
  }

  const server = createServer((req, res) => {
    req.on('data', () => undefined)
    req.on('end', () => answer(req, res))
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    resetCalls: () => {
      calls.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
