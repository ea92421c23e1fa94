import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { z } from '@botpress/sdk'
import { Webhook } from 'standardwebhooks'
import {
  closeConversationRequestSchema,
  createConversationRequestSchema,
  createMessageRequestSchema,
  createUserRequestSchema,
  type CreateConversationRequest,
  type CreateMessageRequest,
} from '../../contract/helpdesk-api'

/*
 * The fake helpdesk of the tests and the bench: it keeps the wire contract on a real loopback socket (nock cannot reset a connection so
 * that axios sees it), under a path prefix as a helpdesk usually is. It validates each call with the contract's
 * schemas, checks the signature and the token, acts once per webhook-id and answers a repeated webhook-id with its
 * first answer; its conversation ids hold a slash, so that a client that does not URL-encode them fails.
 *
 * Two kinds of switches break it:
 * - a fault plan breaks any attempt before the helpdesk acts (`when: 'before'`) or after it acted and committed
 *   (`when: 'after'`: the answer is lost, as when a helpdesk crashes after its commit);
 * - flaws make it get one part of the contract wrong, the way real implementations do (for the conformance kit).
 *
 * It builds the webhook events a helpdesk sends about a ticket (`asSent`): they echo the `reference` the ticket's
 * POST /conversations carried, as the contract recommends; `echoReference: false` makes it a helpdesk that keeps
 * the contract without that optional part (its events carry no `reference`, and the integration looks each
 * conversation up by its id).
 *
 * `cheap: true` is the bench's mode, so that a throughput run measures the integration rather than the fake: no
 * signature, token, JSON or schema check and no state (a create answers a new id at once, a close `{ ok: true }`, for
 * any conversation id), no `calls` records and so no reference to echo; it still answers a repeated webhook-id with its first answer and counts
 * the calls per operation.
 */

export type Fault =
  | { kind: 'reset'; when?: 'before' | 'after' }
  | { kind: 'hang'; when?: 'before' | 'after' }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; when?: 'before' | 'after' }

export type FaultPlan = (request: { method: string; path: string; attempt: number; webhookId: string }) => Fault | undefined

export type Flaws = {
  /** Accepts any request, signed or not, with or without the token. */
  noSignatureCheck?: boolean
  /** Answers POST /users with `{ userId }` instead of `{ id }`. */
  wrongUserAnswerShape?: boolean
  /** Forgets webhook-ids: a repeated request creates a new resource. */
  notIdempotent?: boolean
  /** Answers 400 to a close of a closed conversation. */
  closeFailsWhenClosed?: boolean
  /** Answers 400 to messages of this type. */
  refusesMessageType?: string
  /** Answers 400 to a POST /conversations that carries `reference`, as a server that refuses unknown fields would. */
  refusesReference?: boolean
}

export type ReceivedCall = {
  method: string
  /** the path under the prefix */
  path: string
  /** the contract's operation, e.g. `POST /conversations/{id}/messages` (method and path for an unknown route) */
  operation: string
  /** the webhook-id was answered before: this call got the first answer again */
  repeat: boolean
  webhookId: string
  authorization?: string
  body: unknown
  signed: boolean
  /** the status answered (0: the connection was reset or left hanging) */
  status: number
}

export type HelpdeskUser = { id: string; botpressUserId: string; name: string }
export type HelpdeskTicket = {
  id: string
  botpressConversationId: string
  closed: boolean
  /** the `reference` its events echo: what POST /conversations carried (a test may seed one, or none) */
  reference?: string
  /** what POST /conversations carried (absent for a ticket a test seeded) */
  request?: CreateConversationRequest
}
export type HelpdeskMessage = { id: string; ticketId: string; botpressMessageId: string; request: CreateMessageRequest }

type Answer = { status: number; body?: unknown }

/** The base URL's path, as a helpdesk served behind a prefix has one. */
const PREFIX = '/api'

export type FakeHelpdesk = Awaited<ReturnType<typeof startFakeHelpdesk>>

const invalid = (error: z.ZodError): Answer => ({
  status: 400,
  body: { error: { code: 'invalid_request', message: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } },
})

const operationOf = (method: string, path: string): string => {
  if (method === 'GET' && path === '/health') return 'GET /health'
  if (method === 'POST' && (path === '/users' || path === '/conversations')) return `POST ${path}`
  const match = method === 'POST' ? /^\/conversations\/[^/]+\/(messages|close)$/.exec(path) : null
  return match ? `POST /conversations/{id}/${match[1]}` : `${method} ${path}`
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

export type FakeHelpdeskOptions = {
  secret: string
  token?: string
  plan?: FaultPlan
  flaws?: Flaws
  /** Echoes each ticket's `reference` in the events it sends (default); `false`: never, which the contract allows. */
  echoReference?: boolean
  cheap?: boolean
}

export const startFakeHelpdesk = async (options: FakeHelpdeskOptions) => {
  const flaws = options.flaws ?? {}
  const echoReference = options.echoReference ?? true
  const cheap = options.cheap ?? false
  const verifier = new Webhook(options.secret)
  const calls: ReceivedCall[] = []
  /** calls received per operation (kept in both modes) */
  const counts: Record<string, number> = {}
  let nextCheapId = 0
  const acts: Array<{ method: string; path: string; webhookId: string }> = []
  const attempts = new Map<string, number>()
  const answered = new Map<string, Answer>()
  /** what the helpdesk holds; a test may seed it (a user or ticket created earlier) */
  const state = { users: [] as HelpdeskUser[], tickets: [] as HelpdeskTicket[], messages: [] as HelpdeskMessage[] }
  let plan = options.plan

  const actCheaply = (operation: string): Answer => {
    if (operation === 'GET /health' || operation === 'POST /conversations/{id}/close') return { status: 200, body: { ok: true } }
    if (operation.includes('{id}') || operation === 'POST /users' || operation === 'POST /conversations') {
      return { status: 201, body: { id: `hd_${++nextCheapId}` } }
    }
    return { status: 404, body: { error: { code: 'not_found', message: `no route ${operation}` } } }
  }

  const act = (method: string, path: string, json: unknown): Answer => {
    if (method === 'GET' && path === '/health') return { status: 200, body: { ok: true } }
    if (method === 'POST' && path === '/users') {
      const parsed = createUserRequestSchema.safeParse(json)
      if (!parsed.success) return invalid(parsed.error)
      const user = { id: `hd_user_${state.users.length + 1}`, botpressUserId: parsed.data.botpressUserId, name: parsed.data.name ?? '' }
      state.users.push(user)
      return { status: 201, body: flaws.wrongUserAnswerShape ? { userId: user.id } : { id: user.id } }
    }
    if (method === 'POST' && path === '/conversations') {
      const parsed = createConversationRequestSchema.safeParse(json)
      if (!parsed.success) return invalid(parsed.error)
      if (flaws.refusesReference) {
        return { status: 400, body: { error: { code: 'invalid_request', message: "reference: unrecognized key 'reference'" } } }
      }
      if (!state.users.some((u) => u.id === parsed.data.userId)) {
        return { status: 400, body: { error: { code: 'unknown_user', message: `unknown userId ${parsed.data.userId}` } } }
      }
      const ticket: HelpdeskTicket = {
        id: `hd_conv/${state.tickets.length + 1}`,
        botpressConversationId: parsed.data.botpressConversationId,
        closed: false,
        reference: parsed.data.reference,
        request: parsed.data,
      }
      state.tickets.push(ticket)
      return { status: 201, body: { id: ticket.id } }
    }
    const match = /^\/conversations\/([^/]+)\/(messages|close)$/.exec(path)
    if (method !== 'POST' || !match?.[1]) return { status: 404, body: { error: { code: 'not_found', message: `no route ${method} ${path}` } } }
    const ticket = state.tickets.find((t) => t.id === decodeURIComponent(match[1]!))
    if (!ticket) return { status: 404, body: { error: { code: 'not_found', message: 'no such ticket' } } }
    if (match[2] === 'close') {
      const parsed = closeConversationRequestSchema.safeParse(json)
      if (!parsed.success) return invalid(parsed.error)
      if (ticket.closed) {
        return flaws.closeFailsWhenClosed
          ? { status: 400, body: { error: { code: 'bad_state', message: 'conversation is not open' } } }
          : { status: 409, body: { error: { code: 'closed', message: 'ticket is closed' } } }
      }
      ticket.closed = true
      return { status: 200, body: { ok: true } }
    }
    const parsed = createMessageRequestSchema.safeParse(json)
    if (!parsed.success) return invalid(parsed.error)
    if (parsed.data.type === flaws.refusesMessageType) {
      return { status: 400, body: { error: { code: 'unsupported', message: `${parsed.data.type} is not supported` } } }
    }
    if (ticket.closed) return { status: 409, body: { error: { code: 'closed', message: 'ticket is closed' } } }
    const message = { id: `hd_msg_${state.messages.length + 1}`, ticketId: ticket.id, botpressMessageId: parsed.data.botpressMessageId, request: parsed.data }
    state.messages.push(message)
    return { status: 201, body: { id: message.id } }
  }

  const handle = (req: IncomingMessage, raw: string, res: ServerResponse) => {
    const method = (req.method ?? 'GET').toUpperCase()
    const fullPath = new URL(req.url ?? '/', 'http://x').pathname
    const path = fullPath.startsWith(`${PREFIX}/`) ? fullPath.slice(PREFIX.length) : `(outside ${PREFIX})${fullPath}`
    const webhookId = header(req, 'webhook-id') ?? ''
    const operation = operationOf(method, path)
    counts[operation] = (counts[operation] ?? 0) + 1
    let signed = !cheap
    let body: unknown
    let json = true
    if (!cheap) {
      try {
        verifier.verify(raw, { 'webhook-id': webhookId, 'webhook-timestamp': header(req, 'webhook-timestamp') ?? '', 'webhook-signature': header(req, 'webhook-signature') ?? '' })
      } catch {
        signed = false
      }
      try {
        body = raw ? JSON.parse(raw) : undefined
      } catch {
        json = false
      }
    }
    const call: ReceivedCall = { method, path, operation, repeat: false, webhookId, authorization: header(req, 'authorization'), body, signed, status: 0 }
    if (!cheap) calls.push(call)
    const reply = (status: number, answerBody: unknown, headers: Record<string, string> = {}) => {
      call.status = status
      const text = typeof answerBody === 'string' ? answerBody : JSON.stringify(answerBody ?? {})
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text)
    }
    if (!cheap && !flaws.noSignatureCheck) {
      if (!signed) return reply(401, { error: { code: 'invalid_signature', message: 'bad signature' } })
      if (options.token !== undefined && call.authorization !== `Bearer ${options.token}`) {
        return reply(401, { error: { code: 'invalid_token', message: 'bad token' } })
      }
    }
    const attempt = (attempts.get(webhookId) ?? 0) + 1
    attempts.set(webhookId, attempt)
    const fault = plan?.({ method, path, attempt, webhookId })
    const breakAnswer = (f: Fault) => {
      if (f.kind === 'reset') return req.socket.destroy()
      if (f.kind === 'hang') return // never answers; the client times out
      reply(f.status, f.body ?? { error: { message: `injected ${f.status}` } }, f.headers)
    }
    if (fault && fault.when !== 'after') return breakAnswer(fault)
    const key = `${method} ${path} ${webhookId}`
    const first = flaws.notIdempotent || !webhookId ? undefined : answered.get(key)
    call.repeat = first !== undefined
    if (!first && !cheap) acts.push({ method, path, webhookId })
    const fresh = (): Answer =>
      cheap ? actCheaply(operation) : json ? act(method, path, body) : { status: 400, body: { error: { code: 'invalid_json', message: 'not JSON' } } }
    const answer = first ?? fresh()
    if (!first && answer.status < 500) answered.set(key, answer)
    if (fault) return breakAnswer(fault)
    reply(answer.status, answer.body)
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    // the cheap mode never reads a body: it is drained, not kept
    req.on('data', (chunk: Buffer) => (cheap ? undefined : chunks.push(chunk)))
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res))
  })
  // the integration's clients keep connections alive between calls, as they would with a real helpdesk
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${PREFIX}`,
    /** every call received, in order (empty in cheap mode) */
    calls,
    counts,
    /** forgets the calls and counts received so far (not what the helpdesk holds) */
    resetCalls: () => {
      calls.length = 0
      for (const operation of Object.keys(counts)) delete counts[operation]
    },
    /** the requests the helpdesk acted on (a repeated webhook-id is answered from memory and not listed again) */
    acts,
    state,
    setPlan: (next: FaultPlan | undefined) => {
      plan = next
    },
    /**
     * A webhook event about ticket `event.conversationId` as this helpdesk sends it: with the ticket's `reference`,
     * echoed exactly, unless `echoReference: false` or the ticket has none (an unknown or seeded ticket).
     */
    asSent: <E extends { conversationId: string }>(event: E): E & { reference?: string } => {
      const reference = echoReference ? state.tickets.find((t) => t.id === event.conversationId)?.reference : undefined
      return reference === undefined ? event : { ...event, reference }
    },
    callsTo: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
