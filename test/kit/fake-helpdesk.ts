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
 * A small helpdesk that implements the contract correctly, for the conformance checker's tests; each flaw turns one
 * part of it wrong, the way real implementations get it wrong.
 */

export type Flaws = {
  /** Accepts any request, signed or not. */
  noSignatureCheck?: boolean
  /** Answers POST /users with `{ userId }` instead of `{ id }`. */
  wrongUserAnswerShape?: boolean
  /** Forgets webhook-ids: a repeated request creates a new resource. */
  notIdempotent?: boolean
  /** Answers 400 to a close of a closed conversation. */
  closeFailsWhenClosed?: boolean
  /** Answers 400 to messages of this type. */
  refusesMessageType?: string
}

type Answer = { status: number; body?: unknown }

const PREFIX = '/hitl-api'

export type FakeHelpdesk = {
  url: string
  users: Map<string, { botpressUserId: string }>
  conversations: Map<string, { request: CreateConversationRequest; closed: boolean; messages: CreateMessageRequest[] }>
  requests: Array<{ method: string; path: string; webhookId?: string; status: number }>
  close: () => Promise<void>
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

const invalid = (error: z.ZodError): Answer => ({
  status: 400,
  body: {
    error: {
      code: 'invalid_request',
      message: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    },
  },
})

export const startFakeHelpdesk = async (options: { secret: string; token?: string; flaws?: Flaws }): Promise<FakeHelpdesk> => {
  const flaws = options.flaws ?? {}
  const webhook = new Webhook(options.secret)
  const seen = new Map<string, Answer>()
  const users: FakeHelpdesk['users'] = new Map()
  const conversations: FakeHelpdesk['conversations'] = new Map()
  const requests: FakeHelpdesk['requests'] = []
  let next = 1

  const route = (method: string, path: string, json: unknown): Answer => {
    if (method === 'GET' && path === '/health') return { status: 200, body: { ok: true } }
    if (method === 'POST' && path === '/users') {
      const parsed = createUserRequestSchema.safeParse(json)
      if (!parsed.success) return invalid(parsed.error)
      const id = `u-${next++}`
      users.set(id, { botpressUserId: parsed.data.botpressUserId })
      return { status: 201, body: flaws.wrongUserAnswerShape ? { userId: id } : { id } }
    }
    if (method === 'POST' && path === '/conversations') {
      const parsed = createConversationRequestSchema.safeParse(json)
      if (!parsed.success) return invalid(parsed.error)
      if (!users.has(parsed.data.userId)) {
        return { status: 400, body: { error: { code: 'unknown_user', message: `unknown userId ${parsed.data.userId}` } } }
      }
      const id = `c/${next++}` // a slash, to check that the id is URL-encoded in paths
      conversations.set(id, { request: parsed.data, closed: false, messages: [] })
      return { status: 201, body: { id } }
    }
    const match = /^\/conversations\/([^/]+)\/(messages|close)$/.exec(path)
    if (method === 'POST' && match?.[1] && match[2]) {
      const conversation = conversations.get(decodeURIComponent(match[1]))
      if (!conversation) return { status: 404, body: { error: { code: 'not_found', message: 'no such conversation' } } }
      if (match[2] === 'close') {
        const parsed = closeConversationRequestSchema.safeParse(json)
        if (!parsed.success) return invalid(parsed.error)
        if (conversation.closed) {
          return flaws.closeFailsWhenClosed
            ? { status: 400, body: { error: { code: 'bad_state', message: 'conversation is not open' } } }
            : { status: 409, body: { error: { code: 'closed', message: 'already closed' } } }
        }
        conversation.closed = true
        return { status: 200, body: {} }
      }
      const parsed = createMessageRequestSchema.safeParse(json)
      if (!parsed.success) return invalid(parsed.error)
      if (parsed.data.type === flaws.refusesMessageType) {
        return { status: 400, body: { error: { code: 'unsupported', message: `${parsed.data.type} is not supported` } } }
      }
      if (conversation.closed) return { status: 409, body: { error: { code: 'closed', message: 'closed' } } }
      conversation.messages.push(parsed.data)
      return { status: 201, body: { id: `m-${next++}` } }
    }
    return { status: 404, body: { error: { code: 'not_found', message: `${method} ${path} does not exist` } } }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req)
    const method = req.method ?? 'GET'
    const fullPath = new URL(req.url ?? '/', 'http://localhost').pathname
    // Served under a prefix, as a helpdesk usually is: the base URL is https://host/prefix.
    const path = fullPath.startsWith(PREFIX) ? fullPath.slice(PREFIX.length) : `(outside ${PREFIX})${fullPath}`
    const webhookId = header(req, 'webhook-id')
    const answer = ((): Answer => {
      if (!flaws.noSignatureCheck) {
        try {
          webhook.verify(raw, {
            'webhook-id': webhookId ?? '',
            'webhook-timestamp': header(req, 'webhook-timestamp') ?? '',
            'webhook-signature': header(req, 'webhook-signature') ?? '',
          })
        } catch {
          return { status: 401, body: { error: { code: 'invalid_signature', message: 'signature check failed' } } }
        }
        if (options.token && header(req, 'authorization') !== `Bearer ${options.token}`) {
          return { status: 401, body: { error: { code: 'invalid_token', message: 'wrong token' } } }
        }
      }
      const key = `${method} ${path} ${webhookId}`
      const first = flaws.notIdempotent ? undefined : seen.get(key)
      if (first) return first
      let json: unknown
      try {
        json = raw ? JSON.parse(raw) : undefined
      } catch {
        return { status: 400, body: { error: { code: 'invalid_json', message: 'not JSON' } } }
      }
      const result = route(method, path, json)
      if (webhookId && result.status < 500) seen.set(key, result)
      return result
    })()
    requests.push({ method, path, webhookId, status: answer.status })
    res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' })
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${PREFIX}`,
    users,
    conversations,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  }
}
