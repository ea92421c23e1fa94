import { LEASE_MS } from '../src/webhook/turn'
import { describe, expect, it } from 'vitest'
import { deliver, signatureHeaders } from './harness/integration'
import { openConversation } from './harness/seed'
import { drive, elapse, snapshot, useFakeClock, useWebhookWorld } from './harness/webhook-world'

const world = useWebhookWorld()
const bot = () => snapshot(world.api)
const operations = () => world.api.calls.map((call) => call.operation)


const agent = { id: 'agent_7', name: 'Grace Hopper', email: 'grace@helpdesk.test', pictureUrl: 'https://x.test/grace.png' }
const messageEvent = (patch: Record<string, unknown> = {}, message: Record<string, unknown> = {}) => ({
  id: 'evt_msg_1',
  type: 'message.created',
  conversationId: 'hd_conv_1',
  agent,
  message: { id: 'hd_msg_1', type: 'text', payload: { text: 'Hello, I am Grace' }, ...message },
  ...patch,
})
const assignedEvent = (agentPatch: Record<string, unknown> = {}, id = 'evt_assign_1') => ({
  id,
  type: 'agent.assigned',
  conversationId: 'hd_conv_1',
  agent: { ...agent, ...agentPatch },
})
const closedEvent = (id = 'evt_close_1') => ({ id, type: 'conversation.closed', conversationId: 'hd_conv_1', reason: 'solved' })

const nothingCreated = () => {
  expect(bot().users).toHaveLength(0)
  expect(bot().messages).toHaveLength(0)
  expect(bot().events).toHaveLength(0)
}

describe('message.created', () => {
  it('creates the agent message in the downstream conversation, by the agent user with name and picture', async () => {
    const conversation = await openConversation(world.api)
    const res = await deliver({ body: messageEvent() })
    expect(res).toMatchObject({ status: 200, body: { ok: true } })
    expect(res.body).not.toHaveProperty('duplicate')
    const [user] = bot().users
    expect(user).toMatchObject({ name: 'Grace Hopper', pictureUrl: agent.pictureUrl, tags: { agentId: 'agent_7', email: agent.email } })
    expect(bot().messages).toEqual([
      expect.objectContaining({
        conversationId: conversation.id,
        userId: user!.id,
        type: 'text',
        payload: { text: 'Hello, I am Grace' },
        direction: 'incoming',
        tags: expect.objectContaining({ id: 'hd_msg_1' }),
      }),
    ])
  })

  it('costs 2 Botpress API calls, 3 when the agent changed name or picture', async () => {
    await openConversation(world.api)
    await deliver({ body: messageEvent() })
    expect(operations()).toEqual(['listConversations', 'initializeIncomingMessage'])
    world.api.resetCalls()
    await deliver({ body: messageEvent({ id: 'evt_msg_2', agent: { ...agent, name: 'Grace B. Hopper' } }, { id: 'hd_msg_2' }) })
    expect(operations()).toEqual(['listConversations', 'initializeIncomingMessage', 'updateUser'])
    expect(bot().users).toEqual([expect.objectContaining({ name: 'Grace B. Hopper' })])
  })

  it.each([
    ['image', { imageUrl: 'https://x.test/i.png', title: 'Label' }],
    ['audio', { audioUrl: 'https://x.test/a.mp3' }],
    ['video', { videoUrl: 'https://x.test/v.mp4' }],
    ['file', { fileUrl: 'https://x.test/f.pdf', title: 'Return form' }],
    ['bloc', { items: [{ type: 'markdown', payload: { markdown: '**Steps**' } }, { type: 'image', payload: { imageUrl: 'https://x.test/s.png' } }] }],
  ])('relays an agent %s message with its payload', async (type, payload) => {
    await openConversation(world.api)
    const res = await deliver({ body: messageEvent({}, { type, payload }) })
    expect(res.status).toBe(200)
    expect(bot().messages).toEqual([expect.objectContaining({ type, payload })])
  })

  it('answers a redelivery as a duplicate and creates nothing more', async () => {
    await openConversation(world.api)
    const body = messageEvent()
    const headers = signatureHeaders(JSON.stringify(body), { id: 'wh_1' })
    expect((await deliver({ body, sign: { id: 'wh_1' } })).body).toEqual({ ok: true })
    const again = await deliver({ body, sign: { id: 'wh_1', timestamp: Number(headers['webhook-timestamp']) + 30 } })
    expect(again).toMatchObject({ status: 200, body: { ok: true, duplicate: true } })
    expect(bot().messages).toHaveLength(1)
    expect(bot().users).toHaveLength(1)
  })

  it('creates one message under 12 concurrent redeliveries (one webhook-id)', async () => {
    await openConversation(world.api)
    const answers = await Promise.all(Array.from({ length: 12 }, () => deliver({ body: messageEvent(), sign: { id: 'wh_same' } })))
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200))
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1)
    expect(bot().messages).toHaveLength(1)
    expect(bot().users).toHaveLength(1)
  })

  it('keeps messages of two agents and two conversations apart', async () => {
    const first = await openConversation(world.api, { id: 'hd_conv_1' })
    const second = await openConversation(world.api, { id: 'hd_conv_2' })
    await Promise.all([
      deliver({ body: messageEvent({ id: 'e1' }, { id: 'm1' }) }),
      deliver({ body: messageEvent({ id: 'e2', conversationId: 'hd_conv_2', agent: { id: 'agent_8', name: 'Alan' } }, { id: 'm1' }) }),
      deliver({ body: messageEvent({ id: 'e3' }, { id: 'm2', payload: { text: 'second' } }) }),
    ])
    const byConversation = (id: string) => bot().messages.filter((m) => m.conversationId === id)
    expect(byConversation(first.id)).toHaveLength(2)
    expect(byConversation(second.id)).toHaveLength(1)
    expect(bot().users.map((u) => u.name).sort()).toEqual(['Alan', 'Grace Hopper'])
  })

  it('answers 404 for a conversation this integration did not open, and creates nothing', async () => {
    await openConversation(world.api, { id: 'hd_conv_other' })
    const res = await deliver({ body: messageEvent() })
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'unknown_conversation' } } })
    nothingCreated()
  })

  it('answers 409 after the conversation was closed, and creates nothing', async () => {
    await openConversation(world.api, { id: 'hd_conv_1', closed: 'true' })
    const res = await deliver({ body: messageEvent() })
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'conversation_closed' } } })
    nothingCreated()
  })

  it('names a missing agent with its id', async () => {
    await openConversation(world.api)
    await deliver({ body: messageEvent({ agent: { id: 'agent_9' } }) })
    expect(bot().users[0]!.name).toBe('Agent agent_9')
  })
})

describe('agent.assigned', () => {
  it('emits hitlAssigned with the downstream conversation and the agent user', async () => {
    const conversation = await openConversation(world.api)
    const res = await deliver({ body: assignedEvent() })
    expect(res).toMatchObject({ status: 200, body: { ok: true } })
    const [user] = bot().users
    expect(user).toMatchObject({ name: 'Grace Hopper', pictureUrl: agent.pictureUrl })
    expect(bot().events).toEqual([
      expect.objectContaining({ type: 'hitlAssigned', payload: { conversationId: conversation.id, userId: user!.id } }),
    ])
  })

  it('does not announce again the agent already assigned (redelivery or a new event)', async () => {
    useFakeClock()
    await openConversation(world.api)
    await drive(deliver({ body: assignedEvent(), sign: { id: 'wh_a1' } }))
    await elapse(LEASE_MS) // the assignment's turn lapses
    expect((await drive(deliver({ body: assignedEvent(), sign: { id: 'wh_a1' } }))).body).toEqual({ ok: true, duplicate: true })
    expect((await drive(deliver({ body: assignedEvent({}, 'evt_assign_2'), sign: { id: 'wh_a2' } }))).body).toEqual({
      ok: true,
      duplicate: true,
    })
    expect(bot().events).toHaveLength(1)
  })

  it('announces a reassignment to another agent, and back', async () => {
    useFakeClock()
    await openConversation(world.api)
    await drive(deliver({ body: assignedEvent() }))
    await elapse(LEASE_MS) // the assignment's turn lapses
    await drive(deliver({ body: assignedEvent({ id: 'agent_8', name: 'Alan Turing' }, 'evt_assign_2') }))
    await elapse(LEASE_MS) // the assignment's turn lapses
    await drive(deliver({ body: assignedEvent({}, 'evt_assign_3') }))
    const names = bot().events.map((e) => bot().users.find((u) => u.id === (e.payload as { userId: string }).userId)?.name)
    expect(names).toEqual(['Grace Hopper', 'Alan Turing', 'Grace Hopper'])
  })

  it('emits once under 12 concurrent redeliveries: one announces, the others are told to retry or are duplicates', async () => {
    await openConversation(world.api)
    const answers = await Promise.all(Array.from({ length: 12 }, () => deliver({ body: assignedEvent(), sign: { id: 'wh_same' } })))
    expect(answers.every((a) => a.status === 200 || (a.body.error as { code?: string }).code === 'in_progress')).toBe(true)
    expect(answers.filter((a) => a.status === 200 && !a.body.duplicate)).toHaveLength(1)
    expect(bot().events.filter((e) => e.type === 'hitlAssigned')).toHaveLength(1)
  })

  it('keeps the agent user current: a new name is on the user the event names', async () => {
    await openConversation(world.api)
    await deliver({ body: messageEvent() })
    await deliver({ body: assignedEvent({ name: 'Grace (Team lead)', pictureUrl: 'https://x.test/g2.png' }) })
    expect(bot().users).toEqual([expect.objectContaining({ name: 'Grace (Team lead)', pictureUrl: 'https://x.test/g2.png' })])
  })

  it('answers 404 for an unknown conversation and 409 for a closed one, creating nothing', async () => {
    expect((await deliver({ body: assignedEvent() })).status).toBe(404)
    await openConversation(world.api, { id: 'hd_conv_1', closed: 'true' })
    expect((await deliver({ body: assignedEvent() })).status).toBe(409)
    nothingCreated()
  })
})

describe('conversation.closed', () => {
  it('emits hitlStopped once and marks the conversation closed', async () => {
    const conversation = await openConversation(world.api)
    expect((await deliver({ body: closedEvent() })).body).toEqual({ ok: true })
    expect((await deliver({ body: closedEvent() })).body).toEqual({ ok: true, duplicate: true })
    expect((await deliver({ body: closedEvent('evt_close_2') })).body).toEqual({ ok: true, duplicate: true })
    expect(bot().events).toEqual([expect.objectContaining({ type: 'hitlStopped', payload: { conversationId: conversation.id } })])
    expect(bot().conversations[0]!.tags.closedBy).toBe('helpdesk')
  })

  it('emits once under 12 concurrent deliveries', async () => {
    await openConversation(world.api)
    const answers = await Promise.all(Array.from({ length: 12 }, () => deliver({ body: closedEvent() })))
    expect(answers.filter((a) => a.status === 200 && !a.body.duplicate)).toHaveLength(1)
    expect(bot().events).toHaveLength(1)
  })

  it('is a duplicate after the bot side closed the session with stopHitl', async () => {
    await openConversation(world.api, { id: 'hd_conv_1', closed: 'true' })
    expect((await deliver({ body: closedEvent() })).body).toEqual({ ok: true, duplicate: true })
    expect(bot().events).toHaveLength(0)
  })

  it('answers 404 for an unknown conversation', async () => {
    expect((await deliver({ body: closedEvent() })).status).toBe(404)
    nothingCreated()
  })
})

describe('the answers of the contract', () => {
  it('401 without signature headers', async () => {
    await openConversation(world.api)
    const res = await deliver({ body: messageEvent(), sign: false })
    expect(res).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } })
    nothingCreated()
  })

  it('401 for a signature made with another secret', async () => {
    await openConversation(world.api)
    const res = await deliver({ body: messageEvent(), sign: { secret: `whsec_${Buffer.alloc(32, 9).toString('base64')}` } })
    expect(res.status).toBe(401)
    nothingCreated()
  })

  it.each([
    ['older', -301],
    ['newer', 301],
  ])('401 for a timestamp more than 300 s %s than now', async (_, offset) => {
    await openConversation(world.api)
    const res = await deliver({ body: messageEvent(), sign: { timestamp: Math.floor(Date.now() / 1000) + offset } })
    expect(res).toMatchObject({ status: 401, body: { error: { message: expect.stringContaining('300 s') } } })
    nothingCreated()
  })

  it('accepts a timestamp 250 s old', async () => {
    await openConversation(world.api)
    const res = await deliver({ body: messageEvent(), sign: { timestamp: Math.floor(Date.now() / 1000) - 250 } })
    expect(res.status).toBe(200)
  })

  it('401 for a body changed after signing', async () => {
    await openConversation(world.api)
    const body = JSON.stringify(messageEvent())
    const headers = signatureHeaders(body)
    const res = await deliver({ body: body.replace('Grace', 'Grade'), sign: false, headers })
    expect(res.status).toBe(401)
    nothingCreated()
  })

  it('accepts any of several signatures (secret rotation)', async () => {
    await openConversation(world.api)
    const body = JSON.stringify(messageEvent())
    const good = signatureHeaders(body, { id: 'wh_rot' })
    const old = signatureHeaders(body, { id: 'wh_rot', secret: `whsec_${Buffer.alloc(32, 3).toString('base64')}` })
    const headers = { ...good, 'webhook-signature': `${old['webhook-signature']} ${good['webhook-signature']}` }
    expect((await deliver({ body, sign: false, headers })).status).toBe(200)
  })

  it('400 invalid_json for a signed body that is not JSON', async () => {
    const res = await deliver({ body: '{"type": "message.created",' })
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } })
  })

  it('400 with the failing fields for a signed body that fails the schema', async () => {
    await openConversation(world.api)
    const res = await deliver({ body: messageEvent({ conversationId: undefined }, { payload: { text: '' } }) })
    expect(res.status).toBe(400)
    const error = res.body.error as { code: string; issues: Array<{ path: string }> }
    expect(error.code).toBe('invalid_event')
    expect(error.issues.map((i) => i.path).sort()).toEqual(['conversationId', 'message.payload.text'])
    nothingCreated()
  })

  it('400 for an unknown event type or message type', async () => {
    expect((await deliver({ body: { type: 'ticket.updated', conversationId: 'x' } })).status).toBe(400)
    expect((await deliver({ body: messageEvent({}, { type: 'carousel', payload: { items: [] } }) })).status).toBe(400)
  })

  it('405 for a method other than POST', async () => {
    const res = await deliver({ body: '', method: 'GET' })
    expect(res).toMatchObject({ status: 405, headers: { allow: 'POST' } })
  })

  it('413 for a body over 1 MiB, before anything else', async () => {
    const res = await deliver({ body: messageEvent({}, { payload: { text: 'x'.repeat(1024 * 1024) } }) })
    expect(res.status).toBe(413)
  })

  it('lets the webhook-id stand for a missing event id', async () => {
    await openConversation(world.api)
    const { id: _, ...withoutId } = assignedEvent()
    expect((await deliver({ body: withoutId, sign: { id: 'wh_only' } })).status).toBe(200)
  })
})

describe('when Botpress fails', () => {
  it('answers 503 so that the helpdesk retries, and the retry completes the work once', async () => {
    await openConversation(world.api)
    // the SDK's client does not retry a POST that answered 500
    world.api.failNext('initializeIncomingMessage', { status: 500, times: 1 })
    const failed = await deliver({ body: messageEvent() })
    expect(failed).toMatchObject({ status: 503, body: { error: { code: 'botpress_unavailable' } } })
    expect(failed.headers['retry-after']).toBeDefined()
    const retried = await deliver({ body: messageEvent() })
    expect(retried.body).toEqual({ ok: true })
    expect(bot().messages).toHaveLength(1)
  })

  it('gives the turn back when the announcement failed, so the retry announces it', async () => {
    useFakeClock()
    await openConversation(world.api)
    world.api.failNext('createEvent', { status: 503, times: 1 })
    expect((await drive(deliver({ body: assignedEvent(), sign: { id: 'wh_a1' } }))).status).toBe(503)
    await elapse(LEASE_MS) // the assignment's turn lapses
    expect((await drive(deliver({ body: assignedEvent(), sign: { id: 'wh_a1' } }))).body).toEqual({ ok: true })
    expect(bot().events).toHaveLength(1)
  })

  it('answers 503 when the conversation lookup fails, with nothing created', async () => {
    world.api.failNext('listConversations', { status: 500, times: 4, headers: { 'retry-after': '0' } })
    expect((await deliver({ body: closedEvent() })).status).toBe(503)
    nothingCreated()
  })
})
