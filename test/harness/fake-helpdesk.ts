import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

/*
 * A helpdesk that keeps the wire contract, on a real loopback socket (nock cannot reset a connection so that axios
 * sees it): it checks the signature, acts once per webhook-id and answers a repeated webhook-id with its first
 * answer. A fault plan can break any attempt before the helpdesk acts (`when: 'before'`) or after it acted and
 * committed (`when: 'after'`: the answer is lost, as when a helpdesk crashes after its commit).
 */

export type Fault =
  | { kind: 'reset'; when?: 'before' | 'after' }
  | { kind: 'hang'; when?: 'before' | 'after' }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; when?: 'before' | 'after' }

export type FaultPlan = (request: { method: string; path: string; attempt: number; webhookId: string }) => Fault | undefined

export type ReceivedCall = {
  method: string
  path: string
  webhookId: string
  authorization?: string
  body: unknown
  signed: boolean
}

type Answer = { status: number; body: unknown }

export type FakeHelpdesk = Awaited<ReturnType<typeof startFakeHelpdesk>>

export const startFakeHelpdesk = async (options: { secret: string; token?: string; plan?: FaultPlan }) => {
  const verifier = new Webhook(options.secret)
  const calls: ReceivedCall[] = []
  const acts: Array<{ method: string; path: string; webhookId: string }> = []
  const attempts = new Map<string, number>()
  const answered = new Map<string, Answer>()
  const state = {
    users: [] as Array<{ id: string; botpressUserId: string; name: string }>,
    tickets: [] as Array<{ id: string; botpressConversationId: string; closed: boolean }>,
    messages: [] as Array<{ id: string; ticketId: string; botpressMessageId: string }>,
  }
  let plan = options.plan

  const act = (method: string, path: string, body: Record<string, unknown>): Answer => {
    if (method === 'GET' && path === '/health') return { status: 200, body: { ok: true } }
    if (method === 'POST' && path === '/users') {
      const user = { id: `hd_user_${state.users.length + 1}`, botpressUserId: String(body.botpressUserId), name: String(body.name) }
      state.users.push(user)
      return { status: 201, body: { id: user.id } }
    }
    if (method === 'POST' && path === '/conversations') {
      const ticket = { id: `hd_conv_${state.tickets.length + 1}`, botpressConversationId: String(body.botpressConversationId), closed: false }
      state.tickets.push(ticket)
      return { status: 201, body: { id: ticket.id } }
    }
    const match = /^\/conversations\/([^/]+)\/(messages|close)$/.exec(path)
    const ticket = match ? state.tickets.find((t) => t.id === decodeURIComponent(match[1]!)) : undefined
    if (method === 'POST' && match && !ticket) return { status: 404, body: { error: { message: 'no such ticket' } } }
    if (method === 'POST' && match && ticket) {
      if (ticket.closed) return { status: 409, body: { error: { message: 'ticket is closed' } } }
      if (match[2] === 'close') {
        ticket.closed = true
        return { status: 200, body: { ok: true } }
      }
      const message = { id: `hd_msg_${state.messages.length + 1}`, ticketId: ticket.id, botpressMessageId: String(body.botpressMessageId) }
      state.messages.push(message)
      return { status: 201, body: { id: message.id } }
    }
    return { status: 404, body: { error: { message: `no route ${method} ${path}` } } }
  }

  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body ?? {})
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text)
  }

  const handle = (req: IncomingMessage, raw: string, res: ServerResponse) => {
    const method = (req.method ?? 'GET').toUpperCase()
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/api/, '')
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))
    const webhookId = headers['webhook-id'] ?? ''
    let signed = true
    try {
      verifier.verify(raw, headers, { jsonParse: false })
    } catch {
      signed = false
    }
    const body: unknown = raw ? JSON.parse(raw) : undefined
    calls.push({ method, path, webhookId, authorization: headers.authorization, body, signed })
    if (!signed) return reply(res, 401, { error: { message: 'bad signature' } })
    if (options.token !== undefined && headers.authorization !== `Bearer ${options.token}`) {
      return reply(res, 401, { error: { message: 'bad token' } })
    }
    const attempt = (attempts.get(webhookId) ?? 0) + 1
    attempts.set(webhookId, attempt)
    const fault = plan?.({ method, path, attempt, webhookId })
    const breakAnswer = (f: Fault) => {
      if (f.kind === 'reset') return req.socket.destroy()
      if (f.kind === 'hang') return // never answers; the client times out
      reply(res, f.status, f.body ?? { error: { message: `injected ${f.status}` } }, f.headers)
    }
    if (fault && fault.when !== 'after') return breakAnswer(fault)
    const first = answered.get(webhookId)
    if (!first) acts.push({ method, path, webhookId })
    const answer = first ?? act(method, path, (body ?? {}) as Record<string, unknown>)
    if (!first && answer.status < 300) answered.set(webhookId, answer)
    if (fault) return breakAnswer(fault)
    reply(res, answer.status, answer.body)
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api`,
    calls,
    /** the requests the helpdesk acted on (a repeated webhook-id is answered from memory and not listed again) */
    acts,
    state,
    setPlan: (next: FaultPlan | undefined) => {
      plan = next
    },
    callsTo: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
