import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { chatwootHelpdesk } from '../../../src/helpdesks/chatwoot/client'
import type { ChatwootConfig } from '../../../src/helpdesks/chatwoot/config'
import { chatwootWebhookDecoder } from '../../../src/helpdesks/chatwoot/decode-webhook'
import { chatwootSignature } from '../../../src/helpdesks/chatwoot/signature'
import type { DecodedWebhook } from '../../../src/helpdesks/helpdesk'
import { ACCOUNT_ID, AGENTS, INBOX_ID, INBOX_SECRET, startChatwootDouble, USER_TOKEN, type ChatwootDouble, type Delivery } from './double'

let cw: ChatwootDouble
let conversationId: number
let nowMs = Date.now()

const config = (overrides: Partial<ChatwootConfig> = {}): ChatwootConfig => ({
  chatwootUrl: cw.url,
  accountId: ACCOUNT_ID,
  inboxId: INBOX_ID,
  accessToken: USER_TOKEN,
  webhookSecret: INBOX_SECRET,
  allowUnsignedWebhooks: false,
  requestTimeoutMs: 2000,
  historyLimit: 100,
  ...overrides,
})

const lower = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))

const decode = async (delivery: Delivery, overrides: Partial<ChatwootConfig> = {}) =>
  chatwootWebhookDecoder(config(overrides), () => nowMs)({ method: 'POST', headers: lower(delivery.headers), rawBody: delivery.rawBody })

/** Takes the webhooks the double queued since the last call. */
const sent = () => cw.pending.splice(0, cw.pending.length)
const only = (deliveries: Delivery[], event: string) => {
  const found = deliveries.filter((delivery) => delivery.event === event)
  expect(found).toHaveLength(1)
  return found[0]!
}
const okEvents = (decoded: DecodedWebhook) => {
  if (!decoded.ok) throw new Error(`refused: ${decoded.message}`)
  return decoded
}

beforeAll(async () => {
  cw = await startChatwootDouble()
  const helpdesk = chatwootHelpdesk(config())
  const { id: userId } = await helpdesk.createContact({ botpressUserId: 'user_dec', name: 'Hana' })
  const { id } = await helpdesk.openTicket({
    botpressConversationId: 'conv_dec',
    userId,
    botpressUserId: 'user_dec',
    title: 'Help',
    messages: [],
  })
  conversationId = Number(id)
})
afterAll(() => cw.close())
beforeEach(() => {
  nowMs = Date.now()
  sent()
})

describe('Chatwoot webhooks: what maps to an event', () => {
  it("a human agent's public reply is message.created, attachments as their own messages", async () => {
    const reply = cw.reply(conversationId, AGENTS.alice, {
      content: 'Hello, I am Alice',
      attachments: [{ file_type: 'image', url: 'https://cw.test/x.png' }],
    })
    const decoded = okEvents(await decode(only(sent(), 'message_created')))
    expect(decoded.ticketId).toBe(String(conversationId))
    expect(decoded.deliveryId).toMatch(/^[0-9a-f-]{36}$/)
    expect(decoded.events).toEqual([
      {
        type: 'message.created',
        id: `message-${reply.id}`,
        conversationId: String(conversationId),
        // when the agent wrote it, to the second (the webhook gives milliseconds, the API seconds)
        occurredAt: new Date(Math.floor(reply.createdAt.getTime() / 1000) * 1000).toISOString(),
        agent: { id: String(AGENTS.alice.id), name: 'Alice Martin', email: 'alice@example.com' },
        message: { id: String(reply.id), type: 'text', payload: { text: 'Hello, I am Alice' } },
      },
      expect.objectContaining({
        message: { id: `${reply.id}:${reply.attachments[0]!.id}`, type: 'image', payload: { imageUrl: 'https://cw.test/x.png' } },
      }),
    ])
  })

  it('an assignment to an agent is agent.assigned with the agent\'s name; unassignment is nothing', async () => {
    cw.assign(conversationId, AGENTS.bob)
    const deliveries = sent()
    const updated = only(deliveries, 'conversation_updated')
    const decoded = okEvents(await decode(updated))
    expect(decoded.events).toEqual([
      {
        type: 'agent.assigned',
        id: decoded.deliveryId,
        conversationId: String(conversationId),
        occurredAt: cw.conversations.find((c) => c.displayId === conversationId)!.updatedAt.toISOString(),
        agent: { id: String(AGENTS.bob.id), name: 'Bob Stone' },
      },
    ])
    cw.assign(conversationId, null)
    expect(okEvents(await decode(only(sent(), 'conversation_updated'))).events).toEqual([])
  })

  it('resolving is conversation.closed once: the conversation_updated the same resolve sends is ignored', async () => {
    cw.resolve(conversationId, AGENTS.alice)
    const deliveries = sent()
    expect(deliveries.map((d) => d.event)).toEqual(['conversation_status_changed', 'conversation_updated'])
    const closed = okEvents(await decode(deliveries[0]!))
    expect(closed.events).toEqual([
      { type: 'conversation.closed', id: closed.deliveryId, conversationId: String(conversationId) },
    ])
    const second = okEvents(await decode(deliveries[1]!))
    expect(second).toMatchObject({ ticketId: String(conversationId), events: [] })
  })

  it.each([
    ['the echo of a customer message the integration posted', () => chatwootHelpdesk(config()).addMessage(String(conversationId), { botpressMessageId: 'x', author: { type: 'user', botpressUserId: 'u' }, type: 'text', payload: { text: 'hi' }, text: 'hi' })],
    ['a private note', () => cw.reply(conversationId, AGENTS.alice, { content: 'note to self', private: true })],
    ['an agent bot message', () => cw.botReply(conversationId, 'beep')],
    ['a template message', () => cw.template(conversationId, 'How did we do?')],
    ['typing', () => cw.typing(conversationId, AGENTS.alice)],
    ['assignment to an agent bot', () => cw.assignBot(conversationId)],
    ['a priority change', () => chatwootHelpdesk(config()).openTicket({ botpressConversationId: 'conv_dec', userId: String(cw.contacts[0]!.id), botpressUserId: 'u', session: { priority: 'urgent' }, messages: [] })],
  ])('%s is acknowledged with no event', async (_what, act) => {
    await act()
    const deliveries = sent()
    expect(deliveries.length).toBeGreaterThan(0)
    for (const delivery of deliveries) {
      const decoded = okEvents(await decode(delivery))
      expect(decoded.events).toEqual([])
      expect(decoded.ticketId).toBe(String(conversationId))
    }
  })

  it('a webhook of another inbox is ignored', async () => {
    const rawBody = JSON.stringify({ event: 'message_created', id: 1, content: 'x', message_type: 'outgoing', private: false, sender: { id: 11, name: 'A', type: 'user' }, inbox: { id: 99 }, conversation: { id: 5, inbox_id: 99 } })
    const timestamp = String(Math.floor(nowMs / 1000))
    const decoded = okEvents(
      await decode({ event: 'message_created', rawBody, headers: { 'X-Chatwoot-Timestamp': timestamp, 'X-Chatwoot-Signature': chatwootSignature(INBOX_SECRET, timestamp, rawBody), 'X-Chatwoot-Delivery': 'd1' } })
    )
    expect(decoded).toEqual({ ok: true, deliveryId: 'd1', events: [] })
  })
})

describe('Chatwoot webhooks: signature', () => {
  const replyDelivery = () => {
    cw.reply(conversationId, AGENTS.alice, { content: 'signed <&> reply' })
    return only(sent(), 'message_created')
  }

  it('verifies the raw body byte for byte (Rails escapes <, > and &)', async () => {
    const delivery = replyDelivery()
    expect(delivery.rawBody).toContain('signed \\u003c\\u0026\\u003e reply')
    expect(okEvents(await decode(delivery)).events[0]).toMatchObject({ message: { payload: { text: 'signed <&> reply' } } })
    const reencoded = { ...delivery, rawBody: JSON.stringify(JSON.parse(delivery.rawBody)) }
    expect(await decode(reencoded)).toMatchObject({ ok: false, status: 401 })
  })

  it.each([
    ['a forged signature', (d: Delivery) => ({ ...d, headers: { ...d.headers, 'X-Chatwoot-Signature': `sha256=${'0'.repeat(64)}` } }), 'does not match'],
    ['another secret', (d: Delivery) => {
      const ts = d.headers['X-Chatwoot-Timestamp']!
      return { ...d, headers: { ...d.headers, 'X-Chatwoot-Signature': chatwootSignature('other-secret', ts, d.rawBody) } }
    }, 'does not match'],
    ['a changed body', (d: Delivery) => ({ ...d, rawBody: d.rawBody.replace('signed', 'forged') }), 'does not match'],
    ['no signature', (d: Delivery) => ({ ...d, headers: { 'Content-Type': 'application/json' } }), 'no X-Chatwoot-Signature header'],
  ])('refuses %s with 401', async (_what, tamper, reason) => {
    const decoded = await decode(tamper(replyDelivery()))
    expect(decoded).toMatchObject({ ok: false, status: 401, code: 'invalid_signature' })
    if (!decoded.ok) expect(decoded.message).toContain(reason)
  })

  it('refuses a stale or future timestamp, even correctly signed', async () => {
    const delivery = replyDelivery()
    nowMs += 301_000
    expect(await decode(delivery)).toMatchObject({ ok: false, status: 401, message: expect.stringContaining('300 s') })
    nowMs -= 602_000
    expect(await decode(delivery)).toMatchObject({ ok: false, status: 401 })
    nowMs += 301_000 + 299_000
    expect((await decode(delivery)).ok).toBe(true)
  })

  it('answers 400 to a signed body that is not JSON', async () => {
    const rawBody = '{not json'
    const timestamp = String(Math.floor(nowMs / 1000))
    const decoded = await decode({ event: '?', rawBody, headers: { 'X-Chatwoot-Timestamp': timestamp, 'X-Chatwoot-Signature': chatwootSignature(INBOX_SECRET, timestamp, rawBody) } })
    expect(decoded).toMatchObject({ ok: false, status: 400, code: 'invalid_json' })
  })
})

describe('Chatwoot webhooks: unsigned mode (Chatwoot before 4.13), only when opted into', () => {
  let old: ChatwootDouble
  beforeAll(async () => {
    old = await startChatwootDouble({ unsigned: true })
    const helpdesk = chatwootHelpdesk({ ...config(), chatwootUrl: old.url })
    const { id: userId } = await helpdesk.createContact({ botpressUserId: 'user_old', name: 'Ida' })
    await helpdesk.openTicket({ botpressConversationId: 'conv_old', userId, botpressUserId: 'user_old', messages: [] })
  })
  afterAll(() => old.close())

  it('refuses unsigned deliveries by default and accepts them with the opt-in, named by their content', async () => {
    old.pending.length = 0
    const reply = old.reply(old.conversations[0]!.displayId, AGENTS.alice, { content: 'from an old Chatwoot' })
    const delivery = old.pending.splice(0)[0]!
    expect(delivery.headers['X-Chatwoot-Signature']).toBeUndefined()
    expect(await decode(delivery)).toMatchObject({ ok: false, status: 401 })
    const accepted = okEvents(await decode(delivery, { allowUnsignedWebhooks: true, webhookSecret: undefined }))
    expect(accepted.events.map((event) => event.type === 'message.created' && event.message.id)).toEqual([String(reply.id)])
    expect(accepted.deliveryId).toMatch(/^sha256-[0-9a-f]{32}$/)
    expect(okEvents(await decode(delivery, { allowUnsignedWebhooks: true })).deliveryId).toBe(accepted.deliveryId)
  })

  it('still refuses a wrong signature with the opt-in', async () => {
    const delivery = { event: 'x', rawBody: '{}', headers: { 'X-Chatwoot-Timestamp': String(Math.floor(nowMs / 1000)), 'X-Chatwoot-Signature': 'sha256=00' } }
    expect(await decode(delivery, { allowUnsignedWebhooks: true })).toMatchObject({ ok: false, status: 401 })
  })
})
