import {
  Client,
  InternalError,
  isApiError,
  RateLimitedError,
  ReferenceNotFoundError,
  ResourceNotFoundError,
  MethodNotFoundError,
} from '@botpress/client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startBotpressApi, type BotpressApiServer, type CreationContext, type Message, type BotEvent } from '../sandbox/botpress-api'
import { logged } from './harness/logs'

let api: BotpressApiServer
let client: Client
let clock = Date.parse('2025-01-01T00:00:00.000Z')
const received: { messages: Array<{ message: Message; ctx: CreationContext }>; events: BotEvent[] } = { messages: [], events: [] }

beforeAll(async () => {
  api = await startBotpressApi({
    now: () => clock,
    pageSize: 5,
    onMessage: (message, ctx) => {
      received.messages.push({ message, ctx })
    },
    onEvent: (event) => {
      received.events.push(event)
    },
  })
  client = new Client({ apiUrl: api.url, botId: 'bot_1', integrationId: 'int_1', token: 'x' })
})

afterEach(() => {
  api.reset()
  received.messages.length = 0
  received.events.length = 0
  clock += 60_000
})

afterAll(async () => {
  await api.close()
})

const tick = (ms = 1): void => {
  clock += ms
}

/**
 * Small requests are otherwise served start-to-finish one at a time, so concurrent calls would never
 * interleave; `latencyMs` holds each request before its (atomic) operation runs.
 */
async function withSlowApi(run: (slow: BotpressApiServer, slowClient: Client) => Promise<void>): Promise<void> {
  const slow = await startBotpressApi({ latencyMs: () => 10 + Math.floor(Math.random() * 20), log: () => undefined })
  try {
    await run(slow, new Client({ apiUrl: slow.url, botId: 'bot_1', integrationId: 'int_1', token: 'x' }))
  } finally {
    await slow.close()
  }
}

/** Polls how many calls of `operation` are in flight at once (received, not yet answered); `stop()` gives the peak. */
function trackOverlap(server: BotpressApiServer, operation: 'getOrCreateMessage' | 'getOrSetState'): { stop(): number } {
  let peak = 0
  const timer = setInterval(() => {
    peak = Math.max(peak, server.callsTo(operation).filter((c) => c.status === 0).length)
  }, 1)
  return {
    stop: () => {
      clearInterval(timer)
      return peak
    },
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected the promise to reject')
}

describe('users', () => {
  it('getOrCreateUser returns the same user twice and does not change its name', async () => {
    const first = await client.getOrCreateUser({ tags: { id: 'ext-1' }, name: 'Alice' })
    tick()
    const second = await client.getOrCreateUser({ tags: { id: 'ext-1' }, name: 'Bob' })
    expect(second.user.id).toBe(first.user.id)
    expect(second.user.name).toBe('Alice')
    expect(second.user).toEqual(first.user)
    expect(first.user.id).toMatch(/^user_[0-9A-Z]{26}$/)
    expect(new Date(first.user.createdAt).toISOString()).toBe(first.user.createdAt)
    expect(api.store.users()).toHaveLength(1)
    expect(api.callsTo('getOrCreateUser').map((c) => [c.method, c.path, c.status])).toEqual([
      ['POST', '/v1/chat/users/get-or-create', 200],
      ['POST', '/v1/chat/users/get-or-create', 200],
    ])
    expect(api.calls[0]).toMatchObject({ operation: 'getOrCreateUser', botId: 'bot_1', integrationId: 'int_1', body: { tags: { id: 'ext-1' }, name: 'Alice' } })
  })

  it('discriminateByTags: only the listed tags decide the match', async () => {
    const { user } = await client.getOrCreateUser({ tags: { id: 'ext-1', email: 'a@x.io' } })
    // without discriminateByTags all given tags must match -> a different email creates another user
    const other = await client.getOrCreateUser({ tags: { id: 'ext-1', email: 'b@x.io' } })
    expect(other.user.id).not.toBe(user.id)
    // with it, only `id` matters -> the first user comes back, unchanged
    const again = await client.getOrCreateUser({ tags: { id: 'ext-1', email: 'c@x.io' }, discriminateByTags: ['id'] })
    expect(again.user.id).toBe(user.id)
    expect(again.user.tags).toEqual({ id: 'ext-1', email: 'a@x.io' })

    const conv = await client.getOrCreateConversation({ channel: 'hitl', tags: { id: 't-1', status: 'open' }, discriminateByTags: ['id'] })
    const same = await client.getOrCreateConversation({ channel: 'hitl', tags: { id: 't-1', status: 'closed' }, discriminateByTags: ['id'] })
    const otherChannel = await client.getOrCreateConversation({ channel: 'other', tags: { id: 't-1' }, discriminateByTags: ['id'] })
    expect(same.conversation.id).toBe(conv.conversation.id)
    expect(same.conversation.tags.status).toBe('open')
    expect(otherChannel.conversation.id).not.toBe(conv.conversation.id)
    expect(conv.conversation.integration).toBe('hitl')
  })

  it('updateUser merges tags, removes tags set to "" and replaces name/pictureUrl', async () => {
    const { user } = await client.createUser({ tags: { a: '1', b: '2' }, name: 'Old' })
    tick()
    const { user: updated } = await client.updateUser({ id: user.id, tags: { b: '', c: '3' }, name: 'New', pictureUrl: 'https://x/p.png' })
    expect(updated.tags).toEqual({ a: '1', c: '3' })
    expect(updated.name).toBe('New')
    expect(updated.pictureUrl).toBe('https://x/p.png')
    expect(updated.updatedAt > user.updatedAt).toBe(true)
    const { users } = await client.listUsers({ tags: { a: '1', c: '3' } })
    expect(users.map((u) => u.id)).toEqual([user.id])
    expect((await client.listUsers({ tags: { b: '2' } })).users).toEqual([])
    await client.deleteUser({ id: user.id })
    expect(await rejection(client.getUser({ id: user.id }))).toBeInstanceOf(ResourceNotFoundError)
  })
})

describe('conversations', () => {
  it('listConversations filters by tags (as the client encodes them: tags.<key>=value), newest first', async () => {
    const a = await client.createConversation({ channel: 'hitl', tags: { 'hitl:ticket': 'T 1&2', kind: 'x' } })
    tick()
    const b = await client.createConversation({ channel: 'hitl', tags: { 'hitl:ticket': 'T 1&2', kind: 'y' } })
    tick()
    await client.createConversation({ channel: 'hitl', tags: { 'hitl:ticket': 'other' } })
    tick()
    await client.createConversation({ channel: 'sms', tags: { 'hitl:ticket': 'T 1&2' } })

    const { conversations, meta } = await client.listConversations({ channel: 'hitl', tags: { 'hitl:ticket': 'T 1&2' } })
    expect(conversations.map((c) => c.id)).toEqual([b.conversation.id, a.conversation.id])
    expect(meta.nextToken).toBeUndefined()
    const only = await client.listConversations({ tags: { 'hitl:ticket': 'T 1&2', kind: 'x' } })
    expect(only.conversations.map((c) => c.id)).toEqual([a.conversation.id])
    expect(api.callsTo('listConversations')[0]?.query).toEqual({ 'tags.hitl:ticket': 'T 1&2', channel: 'hitl' })
    expect((await client.listConversations({ integrationName: 'nope' })).conversations).toEqual([])
  })

  it('paginates with meta.nextToken (the client AsyncCollection walks every page)', async () => {
    for (let i = 0; i < 12; i++) {
      await client.createConversation({ channel: 'hitl', tags: { n: String(i) } })
      tick()
    }
    const firstPage = await client.listConversations({})
    expect(firstPage.conversations).toHaveLength(5)
    expect(firstPage.meta.nextToken).toBeTypeOf('string')
    const all = await client.list.conversations({}).collect()
    expect(all.map((c) => c.tags.n)).toEqual(['11', '10', '9', '8', '7', '6', '5', '4', '3', '2', '1', '0'])
  })

  it('updateConversation merges tags; deleteConversation removes it and its messages', async () => {
    const { conversation } = await client.createConversation({ channel: 'hitl', tags: { a: '1', b: '2' } })
    const { user } = await client.createUser({ tags: {} })
    await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'hi' }, tags: {} })
    const { conversation: updated } = await client.updateConversation({ id: conversation.id, tags: { a: '', c: '3' } })
    expect(updated.tags).toEqual({ b: '2', c: '3' })
    expect(conversation.id).toMatch(/^conv_[0-9A-Z]{26}$/)
    await client.deleteConversation({ id: conversation.id })
    expect(await rejection(client.getConversation({ id: conversation.id }))).toBeInstanceOf(ResourceNotFoundError)
    expect(api.store.messages()).toEqual([])
  })
})

describe('messages', () => {
  it('getOrCreateMessage: 20 concurrent calls with the same discriminating tag create one message', async () => {
    await withSlowApi(async (slow, slowClient) => {
      const { conversation } = await slowClient.createConversation({ channel: 'hitl', tags: {} })
      const { user } = await slowClient.createUser({ tags: {} })
      const created: Message[] = []
      slow.onMessage((message) => {
        created.push(message)
      })
      const overlap = trackOverlap(slow, 'getOrCreateMessage')
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          slowClient.getOrCreateMessage({
            conversationId: conversation.id,
            userId: user.id,
            type: 'text',
            payload: { text: `attempt ${i}` },
            tags: { externalId: 'm-1', attempt: String(i) },
            discriminateByTags: ['externalId'],
          }),
        ),
      )
      expect(overlap.stop()).toBeGreaterThan(1) // the requests really were served concurrently
      const ids = new Set(results.map((r) => r.message.id))
      expect(ids.size).toBe(1)
      expect(slow.store.messages()).toHaveLength(1)
      expect(slow.callsTo('getOrCreateMessage')).toHaveLength(20)
      expect(created).toHaveLength(1)
      expect(created[0]?.id).toMatch(/^msg_[0-9A-Z]{26}$/)
      expect(created[0]?.direction).toBe('incoming')
      // every caller got the winner's message, unchanged by the losers' payload/tags
      expect(results.map((r) => r.message)).toEqual(results.map(() => created[0]))

      // the lookup is scoped to the conversation
      const other = await slowClient.createConversation({ channel: 'hitl', tags: {} })
      const elsewhere = await slowClient.getOrCreateMessage({
        conversationId: other.conversation.id,
        userId: user.id,
        type: 'text',
        payload: { text: 'x' },
        tags: { externalId: 'm-1' },
        discriminateByTags: ['externalId'],
      })
      expect(ids.has(elsewhere.message.id)).toBe(false)
    })
  })

  it('createMessage / getMessage / updateMessage / listMessages / deleteMessage', async () => {
    const { conversation } = await client.createConversation({ channel: 'hitl', tags: {} })
    const { user } = await client.createUser({ tags: {} })
    const m1 = await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: '1' }, tags: { k: 'a' } })
    tick()
    const m2 = await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: '2' }, tags: { k: 'b' } })
    expect((await client.getMessage({ id: m1.message.id })).message.payload).toEqual({ text: '1' })
    const { message: updated } = await client.updateMessage({ id: m1.message.id, tags: { k: 'c' }, payload: { text: '1!' } })
    expect(updated).toMatchObject({ tags: { k: 'c' }, payload: { text: '1!' } })
    const listed = await client.listMessages({ conversationId: conversation.id })
    expect(listed.messages.map((m) => m.id)).toEqual([m2.message.id, m1.message.id])
    expect((await client.listMessages({ conversationId: conversation.id, tags: { k: 'b' } })).messages.map((m) => m.id)).toEqual([m2.message.id])
    await client.deleteMessage({ id: m2.message.id })
    expect(await rejection(client.getMessage({ id: m2.message.id }))).toBeInstanceOf(ResourceNotFoundError)
    // a message sent by the bot itself (no x-integration-id) is outgoing
    const bot = new Client({ apiUrl: api.url, botId: 'bot_1', token: 'x' })
    const out = await bot.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'bot' }, tags: {} })
    expect(out.message.direction).toBe('outgoing')
    expect(received.messages.map((r) => r.ctx.operation)).toEqual(['createMessage', 'createMessage', 'createMessage'])
    expect(received.messages[0]?.ctx).toEqual({ botId: 'bot_1', operation: 'createMessage', integrationId: 'int_1' })
  })

  it('createMessage with an unknown conversation answers ReferenceNotFound', async () => {
    const { user } = await client.createUser({ tags: {} })
    const err = await rejection(client.createMessage({ conversationId: 'conv_nope', userId: user.id, type: 'text', payload: { text: 'x' }, tags: {} }))
    expect(err).toBeInstanceOf(ReferenceNotFoundError)
  })

  it('initializeIncomingMessage gets-or-creates the user, the conversation and the message', async () => {
    const input = {
      user: { tags: { id: 'u-1' }, name: 'Alice', discriminateByTags: ['id'] },
      conversation: { channel: 'hitl', tags: { id: 'c-1' }, discriminateByTags: ['id'] },
      message: { type: 'text', payload: { text: 'hello' }, tags: { id: 'm-1' }, discriminateByTags: ['id'] },
    }
    const first = await client.initializeIncomingMessage(input)
    expect(first.user).toMatchObject({ tags: { id: 'u-1' }, name: 'Alice' })
    expect(first.conversation).toMatchObject({ channel: 'hitl', tags: { id: 'c-1' }, integration: 'hitl' })
    expect(first.message).toMatchObject({ type: 'text', payload: { text: 'hello' }, direction: 'incoming', userId: first.user.id, conversationId: first.conversation.id })

    const second = await client.initializeIncomingMessage({ ...input, user: { ...input.user, name: 'Renamed' } })
    expect(second.user).toEqual(first.user)
    expect(second.conversation).toEqual(first.conversation)
    expect(second.message).toEqual(first.message)

    // new message in the same conversation, addressed by ids this time
    const third = await client.initializeIncomingMessage({
      userId: first.user.id,
      conversationId: first.conversation.id,
      message: { type: 'text', payload: { text: 'again' }, tags: { id: 'm-2' }, discriminateByTags: ['id'] },
    })
    expect(third.message?.id).not.toBe(first.message?.id)
    expect(third.conversation.id).toBe(first.conversation.id)

    // without a message: only user + conversation
    const noMessage = await client.initializeIncomingMessage({ user: input.user, conversation: input.conversation })
    expect(noMessage.message).toBeUndefined()

    expect(api.store.users()).toHaveLength(1)
    expect(api.store.conversations()).toHaveLength(1)
    expect(api.store.messages()).toHaveLength(2)
    expect(api.store.participants(first.conversation.id)).toEqual([first.user.id])
    expect(received.messages.map((r) => [r.message.payload['text'], r.ctx.operation])).toEqual([
      ['hello', 'initializeIncomingMessage'],
      ['again', 'initializeIncomingMessage'],
    ])
    expect(api.callsTo('initializeIncomingMessage')[0]?.path).toBe('/v1/chat/initialize-incoming-message')

    const missing = await rejection(client.initializeIncomingMessage({ userId: 'user_nope', conversation: input.conversation }))
    expect(missing).toBeInstanceOf(ReferenceNotFoundError)
  })
})

describe('events', () => {
  it('createEvent / getEvent / listEvents and the onEvent listener', async () => {
    const { conversation } = await client.createConversation({ channel: 'hitl', tags: {} })
    const { event } = await client.createEvent({ type: 'hitlStopped', payload: { conversationId: conversation.id }, conversationId: conversation.id })
    expect(event).toMatchObject({ type: 'hitlStopped', conversationId: conversation.id, status: 'pending', failureReason: null })
    expect(event.id).toMatch(/^evt_[0-9A-Z]{26}$/)
    expect((await client.getEvent({ id: event.id })).event).toEqual(event)
    await client.createEvent({ type: 'other', payload: {} })
    expect((await client.listEvents({ type: 'hitlStopped' })).events.map((e) => e.id)).toEqual([event.id])
    expect(received.events.map((e) => e.type)).toEqual(['hitlStopped', 'other'])
    const unsubscribe = api.onEvent((e) => {
      received.events.push({ ...e, type: `late:${e.type}` })
    })
    await client.createEvent({ type: 'third', payload: {} })
    unsubscribe()
    expect(received.events.map((e) => e.type)).toEqual(['hitlStopped', 'other', 'third', 'late:third'])
  })
})

describe('states', () => {
  it('getOrSetState is atomic under concurrency', async () => {
    await withSlowApi(async (slow, slowClient) => {
      const { conversation } = await slowClient.createConversation({ channel: 'hitl', tags: {} })
      const overlap = trackOverlap(slow, 'getOrSetState')
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => slowClient.getOrSetState({ type: 'conversation', id: conversation.id, name: 'lock', payload: { owner: i } })),
      )
      expect(overlap.stop()).toBeGreaterThan(1) // the requests really were served concurrently
      const owners = new Set(results.map((r) => r.state.payload['owner']))
      expect(owners.size).toBe(1)
      expect(slow.store.states()).toHaveLength(1)
      expect(results[0]?.state).toMatchObject({ type: 'conversation', name: 'lock', conversationId: conversation.id, botId: 'bot_1' })
    })
  })

  it('getOrSetState honours expiry: an expired state counts as absent', async () => {
    const key = { type: 'bot' as const, id: 'bot_1', name: 'cache' }
    const first = await client.getOrSetState({ ...key, payload: { v: 1 }, expiry: 1000 })
    tick(999)
    expect((await client.getOrSetState({ ...key, payload: { v: 2 } })).state.payload).toEqual({ v: 1 })
    expect((await client.getState(key)).state.payload).toEqual({ v: 1 })
    tick(2)
    expect(await rejection(client.getState(key))).toBeInstanceOf(ResourceNotFoundError)
    const renewed = await client.getOrSetState({ ...key, payload: { v: 3 } })
    expect(renewed.state.payload).toEqual({ v: 3 })
    expect(renewed.state.id).not.toBe(first.state.id)
    tick(1_000_000)
    expect((await client.getState(key)).state.payload).toEqual({ v: 3 }) // no expiry given -> never expires
  })

  it('setState / patchState; payload null deletes the state', async () => {
    const { user } = await client.createUser({ tags: {} })
    const key = { type: 'user' as const, id: user.id, name: 'profile' }
    await client.setState({ ...key, payload: { a: 1, b: 2 } })
    const { state } = await client.patchState({ ...key, payload: { b: 3, c: 4 } })
    expect(state.payload).toEqual({ a: 1, b: 3, c: 4 })
    expect(state.userId).toBe(user.id)
    await client.setState({ ...key, payload: null })
    const err = await rejection(client.getState(key))
    expect(err).toBeInstanceOf(ResourceNotFoundError)
    expect(api.store.states()).toEqual([])
    expect(api.callsTo('setState').map((c) => [c.method, c.path])).toEqual([
      ['POST', `/v1/chat/states/user/${user.id}/profile`],
      ['POST', `/v1/chat/states/user/${user.id}/profile`],
    ])
  })
})

describe('errors and fault injection', () => {
  it('404s surface as the client ResourceNotFoundError with the API error shape', async () => {
    const err = await rejection(client.getState({ type: 'integration', id: 'int_1', name: 'missing' }))
    expect(err).toBeInstanceOf(ResourceNotFoundError)
    expect(isApiError(err)).toBe(true)
    expect(err).toMatchObject({ code: 404, type: 'ResourceNotFound' })
    const res = await fetch(`${api.url}/v1/chat/users/user_nope`, { headers: { 'x-bot-id': 'bot_1' } })
    expect(res.status).toBe(404)
    const body: unknown = await res.json()
    expect(body).toMatchObject({ code: 404, type: 'ResourceNotFound', message: expect.stringContaining('user_nope') })
    expect(body).toHaveProperty('id', expect.stringMatching(/^err_\d{14}x[0-9A-F]{8}$/))
    expect(await rejection(client.getConversation({ id: 'conv_nope' }))).toBeInstanceOf(ResourceNotFoundError)
  })

  it('failNext makes the next N calls of an operation fail, then recovers', async () => {
    const { user } = await client.createUser({ tags: {} })
    api.failNext('getUser', { status: 500, times: 2 })
    expect(await rejection(client.getUser({ id: user.id }))).toBeInstanceOf(InternalError)
    expect(await rejection(client.getUser({ id: user.id }))).toBeInstanceOf(InternalError)
    expect((await client.getUser({ id: user.id })).user.id).toBe(user.id)
    expect(api.callsTo('getUser').map((c) => c.status)).toEqual([500, 500, 200])

    api.failNext('createMessage', { status: 429, headers: { 'retry-after': '0' } })
    expect(await rejection(client.createMessage({ conversationId: 'c', userId: user.id, type: 'text', payload: {}, tags: {} }))).toBeInstanceOf(
      RateLimitedError,
    )
    expect(api.store.messages()).toEqual([]) // the failed call did not touch the store

    api.failNext('getOrCreateUser', { status: 503, body: { id: 'err_custom', code: 503, type: 'ResourceNotFound', message: 'custom' } })
    const custom = await rejection(client.getOrCreateUser({ tags: { x: '1' } }))
    expect(custom).toBeInstanceOf(ResourceNotFoundError)
    expect(custom).toMatchObject({ message: 'custom' })

    api.failNext('listUsers', { status: 0, dropConnection: true })
    const dropped = await rejection(client.listUsers({}))
    expect(isApiError(dropped)).toBe(true)
    expect(dropped).toMatchObject({ type: 'Unknown' })
    expect((await client.listUsers({})).users).toHaveLength(1)
  })

  it('answers MethodNotFound for routes it does not implement', async () => {
    const err = await rejection(client.listBots({}))
    expect(err).toBeInstanceOf(MethodNotFoundError)
    expect(api.calls.at(-1)).toMatchObject({ operation: 'unknown', method: 'GET', status: 405 })
    expect(logged('warn')).toEqual(['[botpress-api] unimplemented route GET /v1/admin/bots'])
  })

  it('keeps one store per x-bot-id', async () => {
    const other = new Client({ apiUrl: api.url, botId: 'bot_2', integrationId: 'int_1', token: 'x' })
    const { user } = await client.getOrCreateUser({ tags: { id: 'same' } })
    const { user: user2 } = await other.getOrCreateUser({ tags: { id: 'same' } })
    expect(user2.id).not.toBe(user.id)
    expect(await rejection(other.getUser({ id: user.id }))).toBeInstanceOf(ResourceNotFoundError)
    expect(api.store.botIds().sort()).toEqual(['bot_1', 'bot_2'])
    expect(api.store.users('bot_2').map((u) => u.id)).toEqual([user2.id])
  })
})
