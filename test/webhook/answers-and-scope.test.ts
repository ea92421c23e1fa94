import { LEASE_MS } from '../../src/webhook/turn'
import { Client } from '@botpress/client'
import { describe, expect, it } from 'vitest'
import { BOT_ID, deliver, signatureHeaders, testConfig, TEST_SECRET } from '../harness/integration'
import {
  agent,
  announcements,
  assigned,
  closed,
  drive,
  elapse,
  expectAnswer,
  message,
  openConversation,
  send,
  snapshot,
  useFakeClock,
  useWebhookWorld,
} from '../harness/webhook-world'

const world = useWebhookWorld()
const nothingCreated = () => {
  const bot = snapshot(world.api)
  expect({ users: bot.users, messages: bot.messages, events: bot.events }).toEqual({ users: [], messages: [], events: [] })
}

describe('permanent and transient Botpress failures are told apart', () => {
  it('a Botpress refusal that cannot succeed on retry answers 422 naming the cause', async () => {
    await openConversation(world.api)
    world.api.failNext('initializeIncomingMessage', { status: 400, body: { id: 'e1', code: 400, type: 'InvalidPayload', message: 'payload.text is too long' } })
    const answer = await send(message(), 'wh_1')
    expectAnswer(answer, 422, { error: { code: 'botpress_refused' } })
    expect(answer.body.error).toMatchObject({ message: expect.stringContaining('400 InvalidPayload: payload.text is too long') })
    world.api.failNext('listConversations', { status: 404 })
    expectAnswer(await send(closed(), 'wh_2'), 422, { error: { code: 'botpress_refused' } })
    expect(world.logs.filter((line) => line.startsWith('error'))).toEqual([])
  })

  it('5xx, 429 and network errors answer 503 with Retry-After', async () => {
    await openConversation(world.api)
    // fake time: after a dropped connection the SDK client waits 1, 2 and 3 s before its retries
    useFakeClock()
    for (const fault of [
      // the SDK client retries each of these 3 times itself (Retry-After 0: at once) before the webhook answers
      { status: 500, times: 4, headers: { 'retry-after': '0' } },
      { status: 503, times: 4, headers: { 'retry-after': '0' } },
      { status: 429, times: 4, headers: { 'retry-after': '0' } },
      { status: 0, dropConnection: true, times: 4, headers: { 'retry-after': '0' } },
    ]) {
      world.api.failNext('listConversations', fault)
      const answer = await drive(send(message(), 'wh_1'))
      expectAnswer(answer, 503, { error: { code: 'botpress_unavailable' } })
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    }
    nothingCreated()
  })

  it('a defect answers 500 and is logged as an error', async () => {
    await openConversation(world.api)
    world.api.failNext('listConversations', { status: 200, body: { conversations: null, meta: {} } })
    expectAnswer(await send(message(), 'wh_1'), 500, { error: { code: 'internal_error' } })
    expect(world.logs.filter((line) => line.startsWith('error'))).toEqual([
      expect.stringContaining('Could not process webhook message.created'),
    ])
  })
})

describe('one installation never touches another one', () => {
  const configB = {
    ...testConfig,
    helpdeskUrl: 'https://helpdesk-b.test/api',
    webhookSecret: `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
  }
  const sendB = (body: unknown, webhookId: string) =>
    deliver({ body, sign: { id: webhookId, secret: configB.webhookSecret }, configuration: configB, alias: 'hitl-b' })

  it('ticket ids collide: each webhook reaches its own installation’s conversation and agent user', async () => {
    useFakeClock()
    const conversationA = await openConversation(world.api, { id: 'hd_conv_1' }, 'hitl')
    const conversationB = await openConversation(world.api, { id: 'hd_conv_1' }, 'hitl-b')

    expectAnswer(await drive(sendB(message('m_b'), 'wh_b_1')), 200, { ok: true })
    expectAnswer(await drive(send(message('m_a'), 'wh_a_1')), 200, { ok: true })
    expectAnswer(await drive(sendB(assigned(), 'wh_b_2')), 200, { ok: true })

    const bot = snapshot(world.api)
    const inConversation = (id: string) => bot.messages.filter((m) => m.conversationId === id)
    expect(inConversation(conversationA.id)).toHaveLength(1)
    expect(inConversation(conversationB.id)).toHaveLength(1)
    // the same helpdesk agent id is two Botpress users, one per installation
    expect(bot.users).toHaveLength(2)
    const userOfMessage = (id: string) => inConversation(id)[0]!.userId
    expect(userOfMessage(conversationA.id)).not.toBe(userOfMessage(conversationB.id))
    expect(bot.events).toEqual([expect.objectContaining({ type: 'hitlAssigned', conversationId: conversationB.id })])

    await elapse(LEASE_MS) // the assignment's turn lapses
    expectAnswer(await drive(sendB(closed(), 'wh_b_3')), 200, { ok: true })
    expectAnswer(await drive(send(message('m_a2'), 'wh_a_2')), 200, { ok: true }) // A is still open
    expect(announcements(world.api)).toEqual(['assigned:agent_7', 'stopped'])
  })

  it('a conversation opened by one installation is unknown to the other', async () => {
    await openConversation(world.api, { id: 'hd_only_a' }, 'hitl')
    const answer = await sendB({ ...message(), conversationId: 'hd_only_a' }, 'wh_b_1')
    expectAnswer(answer, 404, { error: { code: 'unknown_conversation' } })
    nothingCreated()
  })

  it('the bot sees each installation’s tags under its own prefix', async () => {
    const client = new Client({ apiUrl: world.api.url, botId: BOT_ID })
    await openConversation(world.api, { id: 'hd_conv_1' }, 'hitl-b')
    const { conversations } = await client.listConversations({})
    expect(conversations.map((c) => c.tags)).toEqual([{ 'hitl-b:id': 'hd_conv_1' }])
  })
})

describe('URLs from agents are http(s) only', () => {
  it('answers 400 with the field path for any other scheme, and creates nothing', async () => {
    await openConversation(world.api)
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ message: { id: 'm', type: 'image', payload: { imageUrl: 'javascript:alert(1)' } } }, 'message.payload.imageUrl'],
      [{ message: { id: 'm', type: 'file', payload: { fileUrl: 'file:///etc/passwd' } } }, 'message.payload.fileUrl'],
      [
        { message: { id: 'm', type: 'bloc', payload: { items: [{ type: 'video', payload: { videoUrl: 'data:video/mp4;base64,AA' } }] } } },
        'message.payload.items.0.payload.videoUrl',
      ],
      [{ agent: { ...agent, pictureUrl: 'data:image/png;base64,AA' } }, 'agent.pictureUrl'],
    ]
    for (const [patch, path] of cases) {
      const answer = await send(message('m', patch), `wh_${path}`)
      expectAnswer(answer, 400, { error: { code: 'invalid_event' } })
      expect((answer.body.error as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toContain(path)
    }
    const pictureOnAssignment = await send({ ...assigned(), agent: { ...agent, pictureUrl: 'ftp://x.test/a.png' } }, 'wh_a')
    expectAnswer(pictureOnAssignment, 400)
    nothingCreated()
    expectAnswer(await send(message('m', { message: { id: 'm', type: 'image', payload: { imageUrl: 'HTTPS://x.test/a.png' } } }), 'wh_ok'), 200)
  })
})

describe('header names in any case', () => {
  it('accepts Webhook-Id, WEBHOOK-SIGNATURE and Webhook-Timestamp like lower case', async () => {
    await openConversation(world.api)
    const body = JSON.stringify(message())
    const lower = signatureHeaders(body, { id: 'wh_case_1', secret: TEST_SECRET })
    const headers = {
      'Webhook-Id': lower['webhook-id']!,
      'WEBHOOK-SIGNATURE': lower['webhook-signature']!,
      'Webhook-Timestamp': lower['webhook-timestamp']!,
    }
    expectAnswer(await deliver({ body, sign: false, headers }), 200, { ok: true })
    // the same delivery in lower case is the same webhook-id: a duplicate
    expectAnswer(await deliver({ body, sign: false, headers: lower }), 200, { ok: true, duplicate: true })
    expect(snapshot(world.api).messages).toHaveLength(1)
  })
})
