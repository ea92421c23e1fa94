import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { referenceFor } from '../contract/reference'
import { webhookEventSchema, type WebhookEvent } from '../contract/webhook-events'
import { AgentActionError, startReferenceHelpdesk, type ReferenceHelpdesk } from '../sandbox/helpdesk'

const SECRET = `whsec_${randomBytes(32).toString('base64')}`
const OTHER_SECRET = `whsec_${randomBytes(32).toString('base64')}`
const TOKEN = 'test-api-token'

let helpdesk: ReferenceHelpdesk
let counter = 0
const freshId = (prefix = 'call') => `${prefix}-${++counter}-${randomBytes(4).toString('hex')}`

type CallOptions = {
  webhookId?: string
  secret?: string
  /** unix seconds used for the signature */
  timestamp?: number
  unsigned?: boolean
  token?: string | null
  rawBody?: string
}

type Reply = { status: number; body: unknown; headers: Headers }

/** A call as the integration makes it: JSON body, Standard Webhooks signature, bearer token. */
const call = async (base: string, method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<Reply> => {
  const raw = options.rawBody ?? (body === undefined ? '' : JSON.stringify(body))
  const webhookId = options.webhookId ?? freshId()
  const at = new Date((options.timestamp ?? Math.floor(Date.now() / 1000)) * 1000)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (!options.unsigned) {
    headers['webhook-id'] = webhookId
    headers['webhook-timestamp'] = String(Math.floor(at.getTime() / 1000))
    headers['webhook-signature'] = new Webhook(options.secret ?? SECRET).sign(webhookId, at, raw)
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  const response = await fetch(base + path, { method, headers, ...(raw ? { body: raw } : {}) })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers }
}
const hd = (method: string, path: string, body?: unknown, options?: CallOptions) => call(helpdesk.url, method, path, body, options)

const idOf = (reply: Reply): string => {
  expect(reply.status).toBe(200)
  const { id } = reply.body as { id: string }
  expect(typeof id).toBe('string')
  return id
}

const createUser = async (botpressUserId = freshId('bpu'), name = 'Jane Doe') =>
  idOf(await hd('POST', '/users', { botpressUserId, name, email: 'jane@example.com' }))

const createTicket = async (extra: Record<string, unknown> = {}) => {
  const botpressUserId = freshId('bpu')
  const userId = await createUser(botpressUserId)
  const botpressConversationId = freshId('bpc')
  const ticketId = idOf(
    await hd('POST', '/conversations', {
      botpressConversationId,
      reference: referenceFor(SECRET, botpressConversationId),
      userId,
      botpressUserId,
      title: 'Refund please',
      messages: [
        { author: { type: 'user', botpressUserId }, type: 'text', payload: { text: 'I want a refund' }, text: 'I want a refund' },
        {
          author: { type: 'bot' },
          type: 'choice',
          payload: { text: 'Talk to a human?', options: [{ label: 'Yes', value: 'yes' }] },
          text: 'Talk to a human?\nOptions: Yes',
        },
      ],
      ...extra,
    })
  )
  return { ticketId, userId, botpressUserId }
}

const relayed = (botpressUserId: string, text = 'hello') => ({
  botpressMessageId: freshId('bpm'),
  author: { type: 'user', botpressUserId },
  type: 'text',
  payload: { text },
  text,
})

beforeAll(async () => {
  helpdesk = await startReferenceHelpdesk({ secret: SECRET, log: () => undefined })
})
afterAll(async () => {
  await helpdesk.close()
})

describe('signature and token', () => {
  it('answers GET /health when signed', async () => {
    const reply = await hd('GET', '/health')
    expect(reply).toMatchObject({ status: 200, body: { ok: true } })
  })

  it('rejects a request without signature headers', async () => {
    const reply = await hd('GET', '/health', undefined, { unsigned: true })
    expect(reply.status).toBe(401)
    expect(reply.body).toMatchObject({ error: { code: 'invalid_signature', message: expect.stringMatching(/missing/i) } })
  })

  it('rejects a signature made with another secret', async () => {
    const reply = await hd('POST', '/users', { botpressUserId: 'bpu_x', name: 'X' }, { secret: OTHER_SECRET })
    expect(reply.status).toBe(401)
    expect(reply.body).toMatchObject({ error: { code: 'invalid_signature' } })
    expect(helpdesk.store.userByBotpressId('bpu_x')).toBeUndefined()
  })

  it('rejects a body changed after signing', async () => {
    const webhookId = freshId()
    const at = new Date()
    const signature = new Webhook(SECRET).sign(webhookId, at, '{"botpressUserId":"a","name":"A"}')
    const response = await fetch(`${helpdesk.url}/users`, {
      method: 'POST',
      headers: {
        'webhook-id': webhookId,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: '{"botpressUserId":"b","name":"A"}',
    })
    expect(response.status).toBe(401)
  })

  it('rejects a timestamp more than 300 s old or ahead', async () => {
    const now = Math.floor(Date.now() / 1000)
    for (const timestamp of [now - 310, now + 310]) {
      const reply = await hd('GET', '/health', undefined, { timestamp })
      expect(reply.status).toBe(401)
      expect(reply.body).toMatchObject({ error: { code: 'invalid_signature', message: expect.stringMatching(/300 s/) } })
    }
    expect((await hd('GET', '/health', undefined, { timestamp: now - 200 })).status).toBe(200)
  })

  it('accepts any of several signatures (secret rotation)', async () => {
    const webhookId = freshId()
    const at = new Date()
    const signatures = [new Webhook(OTHER_SECRET).sign(webhookId, at, ''), new Webhook(SECRET).sign(webhookId, at, '')]
    const response = await fetch(`${helpdesk.url}/health`, {
      headers: {
        'webhook-id': webhookId,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signatures.join(' '),
      },
    })
    expect(response.status).toBe(200)
  })

  it('checks the bearer token when one is configured', async () => {
    const guarded = await startReferenceHelpdesk({ secret: SECRET, apiToken: TOKEN })
    try {
      const missing = await call(guarded.url, 'GET', '/health')
      expect(missing.status).toBe(401)
      expect(missing.body).toMatchObject({ error: { code: 'invalid_token' } })
      expect((await call(guarded.url, 'GET', '/health', undefined, { token: 'wrong' })).status).toBe(401)
      expect((await call(guarded.url, 'GET', '/health', undefined, { token: TOKEN, unsigned: true })).status).toBe(401)
      expect(await call(guarded.url, 'GET', '/health', undefined, { token: TOKEN })).toMatchObject({ status: 200, body: { ok: true } })
    } finally {
      await guarded.close()
    }
  })
})

describe('REST calls', () => {
  it('creates a user and maps its botpressUserId', async () => {
    const id = await createUser('bpu_map', 'Mapped User')
    expect(helpdesk.store.user(id)).toMatchObject({ id, botpressUserId: 'bpu_map', name: 'Mapped User' })
    expect(helpdesk.store.userByBotpressId('bpu_map')?.id).toBe(id)
  })

  it('answers 400 with the failing fields for a body that fails the schema', async () => {
    const reply = await hd('POST', '/users', { name: 42 })
    expect(reply.status).toBe(400)
    const { error } = reply.body as { error: { code: string; message: string; issues: Array<{ path: string }> } }
    expect(error.code).toBe('invalid_body')
    expect(error.message).toEqual(expect.any(String))
    expect(error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['botpressUserId', 'name']))

    const badMessage = await hd('POST', '/conversations', { botpressConversationId: 'c', userId: 'u', botpressUserId: 'b', messages: [{ type: 'image', payload: {} }] })
    expect(badMessage.status).toBe(400)
    expect((badMessage.body as { error: { issues: unknown[] } }).error.issues.length).toBeGreaterThan(0)
  })

  it('answers 400 for a body that is not JSON', async () => {
    const reply = await hd('POST', '/users', undefined, { rawBody: '{not json' })
    expect(reply).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } })
  })

  it('answers 400 for a conversation whose userId was never created', async () => {
    const reply = await hd('POST', '/conversations', { botpressConversationId: 'c', reference: 'c.ref', userId: 'usr_nope', botpressUserId: 'b', messages: [] })
    expect(reply.status).toBe(400)
    expect(reply.body).toMatchObject({ error: { issues: [{ path: 'userId' }] } })
  })

  it('stores a ticket with its history, session fields and open status', async () => {
    const session = { priority: 'high' as const, tags: ['vip'], requesterName: 'Janet' }
    const { ticketId, userId, botpressUserId } = await createTicket({ session, description: 'from the website', omittedMessages: 3 })
    const ticket = helpdesk.store.ticket(ticketId)
    expect(ticket).toMatchObject({
      id: ticketId,
      status: 'open',
      title: 'Refund please',
      description: 'from the website',
      session,
      omittedMessages: 3,
      botpressUserId,
      requester: { userId, name: 'Janet', email: 'jane@example.com' },
    })
    expect(ticket?.history).toEqual([
      expect.objectContaining({ author: { type: 'user', botpressUserId }, userId, authorName: 'Jane Doe', type: 'text', text: 'I want a refund' }),
      expect.objectContaining({ author: { type: 'bot' }, authorName: 'Bot', type: 'choice', text: 'Talk to a human?\nOptions: Yes' }),
    ])
  })

  it('stores relayed messages with the mapped author and answers { id }', async () => {
    const { ticketId, userId, botpressUserId } = await createTicket()
    const id = idOf(await hd('POST', `/conversations/${ticketId}/messages`, { ...relayed(botpressUserId, 'still there?'), additionalData: 'x' }))
    const image = { botpressMessageId: freshId('bpm'), author: { type: 'bot' }, type: 'image', payload: { imageUrl: 'https://example.com/a.png' }, text: 'image: https://example.com/a.png' }
    idOf(await hd('POST', `/conversations/${ticketId}/messages`, image))
    const messages = helpdesk.store.ticket(ticketId)?.messages
    expect(messages).toEqual([
      expect.objectContaining({ id, origin: 'integration', userId, authorName: 'Jane Doe', type: 'text', payload: { text: 'still there?' }, additionalData: 'x' }),
      expect.objectContaining({ origin: 'integration', author: { type: 'bot' }, type: 'image', payload: { imageUrl: 'https://example.com/a.png' } }),
    ])
  })

  it('answers 404 for an unknown ticket and 409 for a closed one', async () => {
    const { ticketId, botpressUserId } = await createTicket()
    expect((await hd('POST', '/conversations/tkt_unknown/messages', relayed(botpressUserId))).status).toBe(404)
    expect((await hd('POST', '/conversations/tkt_unknown/close', { botpressConversationId: 'c' })).status).toBe(404)

    const closed = await hd('POST', `/conversations/${ticketId}/close`, { botpressConversationId: 'c' })
    expect(closed.status).toBe(200)
    expect(helpdesk.store.ticket(ticketId)).toMatchObject({ status: 'closed', closedBy: 'integration' })

    const again = await hd('POST', `/conversations/${ticketId}/close`, { botpressConversationId: 'c' })
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'conversation_closed' } } })
    const late = await hd('POST', `/conversations/${ticketId}/messages`, relayed(botpressUserId))
    expect(late.status).toBe(409)
    expect(helpdesk.store.ticket(ticketId)?.messages).toHaveLength(0)
  })

  it('answers 404 for unknown routes and 405 for wrong methods', async () => {
    expect((await hd('GET', '/nope')).status).toBe(404)
    expect((await hd('POST', '/conversations/a/b/c', {})).status).toBe(404)
    const wrong = await hd('GET', '/users')
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('POST')
    expect((await hd('POST', '/health', {})).status).toBe(405)
  })

  it('answers a repeated webhook-id with its first answer and acts once', async () => {
    const webhookId = freshId('user')
    const first = await hd('POST', '/users', { botpressUserId: 'bpu_idem', name: 'Once' }, { webhookId })
    const users = helpdesk.store.users().length
    const second = await hd('POST', '/users', { botpressUserId: 'bpu_idem', name: 'Once' }, { webhookId })
    expect(second.status).toBe(first.status)
    expect(second.body).toEqual(first.body)
    expect(helpdesk.store.users()).toHaveLength(users)

    const { ticketId, botpressUserId } = await createTicket()
    const message = relayed(botpressUserId)
    const messageCall = `message-${message.botpressMessageId}`
    const a = await hd('POST', `/conversations/${ticketId}/messages`, message, { webhookId: messageCall })
    const b = await hd('POST', `/conversations/${ticketId}/messages`, message, { webhookId: messageCall })
    expect(b).toMatchObject({ status: a.status, body: a.body })
    expect(helpdesk.store.ticket(ticketId)?.messages).toHaveLength(1)

    // a new conversation repeated: one ticket
    const tickets = helpdesk.store.tickets().length
    const userId = await createUser(botpressUserId)
    const botpressConversationId = freshId('bpc')
    const body = { botpressConversationId, reference: referenceFor(SECRET, botpressConversationId), userId, botpressUserId, messages: [] }
    const c1 = await hd('POST', '/conversations', body, { webhookId: `conversation-${body.botpressConversationId}` })
    const c2 = await hd('POST', '/conversations', body, { webhookId: `conversation-${body.botpressConversationId}` })
    expect(c2.body).toEqual(c1.body)
    expect(helpdesk.store.tickets()).toHaveLength(tickets + 1)

    // the first answer is replayed even when it was a refusal
    const closeId = freshId('close')
    await hd('POST', `/conversations/${ticketId}/close`, { botpressConversationId: 'c' }, { webhookId: closeId })
    const replayedClose = await hd('POST', `/conversations/${ticketId}/close`, { botpressConversationId: 'c' }, { webhookId: closeId })
    expect(replayedClose.status).toBe(200)
  })
})

// --- webhook side ------------------------------------------------------------------------------------------------

type Received = { headers: IncomingHttpHeaders; raw: string; verified: boolean }

/** A loopback stand-in for the integration's webhook: verifies each request and answers the next scripted status. */
const startReceiver = async (statuses: number[], fallback = 200) => {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      let verified = true
      try {
        new Webhook(SECRET).verify(raw, {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        })
      } catch {
        verified = false
      }
      received.push({ headers: req.headers, raw, verified })
      const status = verified ? (statuses.shift() ?? fallback) : 401
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(status < 300 ? { ok: true } : { error: { code: `status_${status}`, message: 'scripted' } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    events: () => received.map((r) => webhookEventSchema.parse(JSON.parse(r.raw)) as WebhookEvent),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

describe('events sent to the integration', () => {
  let sender: ReferenceHelpdesk
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined
  const agent = { id: 'agent-42', name: 'Sam Agent', email: 'sam@helpdesk.test' }

  /** the reference POST /conversations carried for a ticket opened by openTicket */
  const references = new Map<string, string>()
  const openTicket = async (reference?: string) => {
    const botpressUserId = freshId('bpu')
    const userId = idOf(await call(sender.url, 'POST', '/users', { botpressUserId, name: 'Jo' }))
    const botpressConversationId = freshId('bpc')
    const sent = reference ?? referenceFor(SECRET, botpressConversationId)
    const body = { botpressConversationId, reference: sent, userId, botpressUserId, messages: [] }
    const ticketId = idOf(await call(sender.url, 'POST', '/conversations', body))
    references.set(ticketId, sent)
    return ticketId
  }

  beforeAll(async () => {
    sender = await startReferenceHelpdesk({ secret: SECRET, webhookRetry: { attempts: 4, baseDelayMs: 5 } })
  })
  afterEach(async () => {
    await receiver?.close()
    receiver = undefined
  })
  afterAll(async () => {
    await sender.close()
  })

  it('retries a 5xx with the same webhook-id until delivered', async () => {
    receiver = await startReceiver([503, 503, 200])
    sender.setWebhookUrl(receiver.url)
    const ticketId = await openTicket()

    const delivery = await sender.assign(ticketId, agent)
    expect(delivery).toMatchObject({ delivered: true, attempts: 3, status: 200, body: { ok: true }, ticketId })
    expect(receiver.received).toHaveLength(3)
    expect(receiver.received.every((r) => r.verified)).toBe(true)
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']))
    expect([...ids]).toEqual([delivery.webhookId])
    expect(delivery.webhookId).toBe(delivery.eventId)
    expect(receiver.events()[0]).toEqual({
      id: delivery.eventId,
      occurredAt: expect.any(String),
      type: 'agent.assigned',
      conversationId: ticketId,
      reference: references.get(ticketId),
      agent,
    })
    expect(sender.store.ticket(ticketId)?.assignedAgent).toEqual(agent)
    expect(sender.store.deliveries().find((d) => d.eventId === delivery.eventId)).toMatchObject({ attempts: 3, delivered: true })
  })

  it('does not retry a 4xx and records its answer', async () => {
    receiver = await startReceiver([400])
    sender.setWebhookUrl(receiver.url)
    const ticketId = await openTicket()

    const delivery = await sender.agentReply(ticketId, agent, { type: 'text', payload: { text: 'Hi, Sam here' } })
    expect(delivery).toMatchObject({ delivered: false, attempts: 1, status: 400, body: { error: { code: 'status_400' } } })
    expect(receiver.received).toHaveLength(1)
    expect(sender.store.deliveries().find((d) => d.eventId === delivery.eventId)).toMatchObject({ attempts: 1, status: 400 })
  })

  it('retries a network failure a bounded number of times', async () => {
    const gone = await startReceiver([])
    const url = gone.url
    await gone.close()
    sender.setWebhookUrl(url)
    const ticketId = await openTicket()
    const delivery = await sender.closeTicket(ticketId)
    expect(delivery).toMatchObject({ delivered: false, attempts: 4, error: expect.any(String) })
    expect(delivery.status).toBeUndefined()
  })

  it('sends message.created for text, image and other relayed types, and conversation.closed', async () => {
    receiver = await startReceiver([])
    sender.setWebhookUrl(receiver.url)
    const ticketId = await openTicket()

    await sender.agentReply(ticketId, agent, { type: 'text', payload: { text: 'Hello' } })
    await sender.agentReply(ticketId, agent, { type: 'image', payload: { imageUrl: 'https://example.com/x.png' } })
    await sender.agentReply(ticketId, agent, { type: 'file', payload: { fileUrl: 'https://example.com/x.pdf', title: 'Invoice' } })
    await sender.closeTicket(ticketId, 'solved')

    const messages = sender.store.ticket(ticketId)?.messages ?? []
    expect(messages.map((m) => [m.origin, m.type, m.text])).toEqual([
      ['agent', 'text', 'Hello'],
      ['agent', 'image', 'image: https://example.com/x.png'],
      ['agent', 'file', 'Invoice (file: https://example.com/x.pdf)'],
    ])
    const events = receiver.events()
    expect(events.map((e) => e.type)).toEqual(['message.created', 'message.created', 'message.created', 'conversation.closed'])
    expect(events[1]).toEqual({
      id: expect.any(String),
      occurredAt: expect.any(String),
      type: 'message.created',
      conversationId: ticketId,
      reference: references.get(ticketId),
      agent,
      message: { id: messages[1]?.id, type: 'image', payload: { imageUrl: 'https://example.com/x.png' } },
    })
    expect(events[3]).toMatchObject({ type: 'conversation.closed', conversationId: ticketId, reason: 'solved' })
    expect(new Set(events.map((e) => e.id)).size).toBe(4)
    expect(sender.store.ticket(ticketId)).toMatchObject({ status: 'closed', closedBy: 'agent', closeReason: 'solved' })

    await expect(sender.agentReply(ticketId, agent, { type: 'text', payload: { text: 'late' } })).rejects.toBeInstanceOf(AgentActionError)
    await expect(sender.closeTicket(ticketId)).rejects.toMatchObject({ status: 409 })
    await expect(sender.assign('tkt_unknown', agent)).rejects.toMatchObject({ status: 404 })
    await expect(sender.agentReply(ticketId, agent, { type: 'text', payload: {} })).rejects.toMatchObject({ status: 400 })
  })

  it('echoes the reference of POST /conversations, exactly, in every event about the ticket', async () => {
    receiver = await startReceiver([])
    sender.setWebhookUrl(receiver.url)
    // opaque to the helpdesk: kept and echoed character for character, whatever it holds, up to 200 characters
    const reference = `conv_ü 42.${'x'.repeat(180)}/+=`
    const ticketId = await openTicket(reference)
    const otherTicketId = await openTicket()

    await sender.assign(ticketId, agent)
    await sender.agentReply(ticketId, agent, { type: 'text', payload: { text: 'Hello' } })
    await sender.agentReply(otherTicketId, agent, { type: 'text', payload: { text: 'Hello there' } })
    await sender.closeTicket(ticketId, 'solved')

    expect(sender.store.ticket(ticketId)?.reference).toBe(reference)
    expect(receiver.events().map((e) => [e.type, e.conversationId, e.reference])).toEqual([
      ['agent.assigned', ticketId, reference],
      ['message.created', ticketId, reference],
      ['message.created', otherTicketId, references.get(otherTicketId)],
      ['conversation.closed', ticketId, reference],
    ])
  })

  it('records an event as not delivered when no webhook URL is set', async () => {
    sender.setWebhookUrl(undefined)
    const ticketId = await openTicket()
    const delivery = await sender.assign(ticketId, agent)
    expect(delivery).toMatchObject({ delivered: false, attempts: 0, error: expect.stringMatching(/webhook URL/) })
  })
})

// --- the agent console's API -------------------------------------------------------------------------------------

describe('agent console API', () => {
  const post = (path: string, body: unknown) =>
    fetch(helpdesk.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  it('serves the page and its script', async () => {
    const page = await fetch(`${helpdesk.url}/agent`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    const html = await page.text()
    for (const id of ['ticket-list', 'reply-input', 'send-button', 'image-url-input', 'assign-button', 'close-button', 'status', 'message-list']) {
      expect(html).toContain(`data-testid="${id}"`)
    }
    const script = await fetch(`${helpdesk.url}/agent/console.js`)
    expect(script.headers.get('content-type')).toMatch(/javascript/)
    expect(await script.text()).toContain('/agent/events')
  })

  it('lists tickets, shows one, replies, assigns and closes, and streams changes', async () => {
    const receiver = await startReceiver([])
    helpdesk.setWebhookUrl(receiver.url)
    const abort = new AbortController()
    try {
      const { ticketId } = await createTicket()
      const stream = await fetch(`${helpdesk.url}/agent/events`, { signal: abort.signal })
      expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/)
      const reader = stream.body!.getReader()

      const list = (await (await fetch(`${helpdesk.url}/agent/tickets`)).json()) as { tickets: Array<Record<string, unknown>> }
      expect(list.tickets.find((t) => t.id === ticketId)).toMatchObject({
        title: 'Refund please',
        status: 'open',
        requester: { name: 'Jane Doe' },
        assignedAgent: null,
        lastActivityAt: expect.any(String),
      })

      const reply = await post(`/agent/tickets/${ticketId}/reply`, { agent: { name: 'Ann Smith' }, text: 'On it', imageUrl: 'https://example.com/i.png' })
      expect(reply.status).toBe(200)
      const { deliveries } = (await reply.json()) as { deliveries: Array<{ delivered: boolean }> }
      expect(deliveries.map((d) => d.delivered)).toEqual([true, true])

      const chunk = new TextDecoder().decode((await reader.read()).value)
      expect(chunk).toMatch(/retry: 1000|event: change/)

      expect((await post(`/agent/tickets/${ticketId}/assign`, { agent: { name: 'Ann Smith' } })).status).toBe(200)
      expect((await post(`/agent/tickets/${ticketId}/close`, { reason: 'done' })).status).toBe(200)
      expect((await post(`/agent/tickets/${ticketId}/close`, {})).status).toBe(409)
      expect((await post(`/agent/tickets/${ticketId}/reply`, { agent: { name: 'Ann' } })).status).toBe(400)
      expect((await post('/agent/tickets/tkt_unknown/assign', { agent: { name: 'Ann' } })).status).toBe(404)

      const detail = (await (await fetch(`${helpdesk.url}/agent/tickets/${ticketId}`)).json()) as {
        ticket: { status: string; assignedAgent: unknown; history: unknown[]; messages: Array<{ type: string; author: unknown }>; deliveries: unknown[] }
      }
      expect(detail.ticket).toMatchObject({ status: 'closed', assignedAgent: { id: 'agent-ann-smith', name: 'Ann Smith' } })
      expect(detail.ticket.history).toHaveLength(2)
      expect(detail.ticket.messages.map((m) => m.type)).toEqual(['text', 'image'])
      expect(detail.ticket.deliveries).toHaveLength(4)
      expect(receiver.events().map((e) => e.type)).toEqual(['message.created', 'message.created', 'agent.assigned', 'conversation.closed'])

      let text = ''
      while (!text.includes('"kind":"ticket.closed"')) text += new TextDecoder().decode((await reader.read()).value)
    } finally {
      abort.abort()
      helpdesk.setWebhookUrl(undefined)
      await receiver.close()
    }
  })

  it('refuses a POST that is not JSON', async () => {
    const response = await fetch(`${helpdesk.url}/agent/tickets/x/close`, { method: 'POST', body: 'reason=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(response.status).toBe(415)
  })
})
