import { describe, expect, it } from 'vitest'
import { useSkippedWaits } from './harness/clock'
import { botOf, useWorld } from './harness/botpress'
import { assertSigned, expectHelpdeskCall } from './harness/helpdesk'
import { runAction, TEST_SECRET, TEST_TOKEN, testConfig } from './harness/integration'
import { botClient, openConversation, seedEndUser } from './harness/seed'

const world = useWorld()
useSkippedWaits()


const historyOfEveryType = [
  { source: { type: 'bot' }, type: 'text', payload: { text: 'Hi, how can I help?' } },
  { source: { type: 'user', userId: 'user_end' }, type: 'text', payload: { text: 'My order is late' } },
  { source: { type: 'bot' }, type: 'markdown', payload: { markdown: '**Order** 42' } },
  { source: { type: 'user', userId: 'user_end' }, type: 'image', payload: { imageUrl: 'https://x.test/a.png', title: 'Receipt' } },
  { source: { type: 'user', userId: 'user_end' }, type: 'audio', payload: { audioUrl: 'https://x.test/a.mp3' } },
  { source: { type: 'user', userId: 'user_end' }, type: 'video', payload: { videoUrl: 'https://x.test/a.mp4' } },
  { source: { type: 'user', userId: 'user_end' }, type: 'file', payload: { fileUrl: 'https://x.test/a.pdf', title: 'Invoice' } },
  { source: { type: 'user', userId: 'user_end' }, type: 'location', payload: { latitude: 45.5, longitude: -73.6, address: 'Montreal' } },
  {
    source: { type: 'bot' },
    type: 'card',
    payload: { title: 'Order 42', subtitle: 'Shipped', actions: [{ action: 'postback', label: 'Track', value: 'track' }] },
  },
  {
    source: { type: 'bot' },
    type: 'carousel',
    payload: { items: [{ title: 'Plan A', actions: [] }, { title: 'Plan B', actions: [] }] },
  },
  { source: { type: 'bot' }, type: 'choice', payload: { text: 'Pick one', options: [{ label: 'Yes', value: 'y' }, { label: 'No', value: 'n' }] } },
  { source: { type: 'bot' }, type: 'dropdown', payload: { text: 'Country', options: [{ label: 'Canada', value: 'ca' }] } },
  {
    source: { type: 'bot' },
    type: 'bloc',
    payload: { items: [{ type: 'text', payload: { text: 'Here:' } }, { type: 'image', payload: { imageUrl: 'https://x.test/b.png' } }] },
  },
]

describe('createUser', () => {
  it('creates the helpdesk user and a Botpress user with name, picture and email, tagged with the helpdesk id', async () => {
    const calls = expectHelpdeskCall('POST', '/users', [201, { id: 'hd_user_9' }])
    const result = await runAction<{ userId: string }>('createUser', {
      name: 'Ada Lovelace',
      pictureUrl: 'https://x.test/ada.png',
      email: 'ada@example.com',
    })
    expect(result.status).toBe(200)
    const user = botOf(world.api).users.find((u) => u.id === result.output?.userId)
    expect(user).toMatchObject({
      name: 'Ada Lovelace',
      pictureUrl: 'https://x.test/ada.png',
      tags: { id: 'hd_user_9', email: 'ada@example.com' },
    })
    expect(calls).toHaveLength(1)
    assertSigned(calls[0]!)
    expect(calls[0]!.body).toEqual({
      botpressUserId: user!.id,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      pictureUrl: 'https://x.test/ada.png',
    })
    expect(calls[0]!.headers['webhook-id']).toBe(`user-${user!.id}`)
  })

  it('fails with the call, the status and the helpdesk message, and leaves no Botpress user behind', async () => {
    expectHelpdeskCall('POST', '/users', [422, { error: { message: 'email is not allowed here' } }])
    const result = await runAction('createUser', { name: 'Ada', email: 'ada@example.com' })
    expect(result.status).toBeGreaterThanOrEqual(400)
    expect(result.error).toContain('POST /users')
    expect(result.error).toContain('422')
    expect(result.error).toContain('email is not allowed here')
    expect(botOf(world.api).users).toHaveLength(0)
  })

  it('refuses a helpdesk answer without an id', async () => {
    expectHelpdeskCall('POST', '/users', [200, { ok: true }])
    const result = await runAction('createUser', { name: 'Ada' })
    expect(result.error).toMatch(/POST \/users answered with an unexpected body.*id/)
  })
})

describe('createUser is retry-safe', () => {
  it('a retry after a lost answer sends the same botpressUserId and webhook-id, and links the one contact', async () => {
    const first = expectHelpdeskCall('POST', '/users', [503, { message: 'committed, then lost' }, { 'retry-after': '120' }])
    const failed = await runAction('createUser', { name: 'Ada', email: 'ada@example.com' })
    expect(failed.error).toContain('failed with 503')
    const retried = expectHelpdeskCall('POST', '/users', [201, { id: 'hd_user_1' }])
    const result = await runAction<{ userId: string }>('createUser', { name: 'Ada', email: 'ada@example.com' })
    expect(result.status).toBe(200)
    expect(retried[0]!.headers['webhook-id']).toBe(first[0]!.headers['webhook-id'])
    expect(retried[0]!.raw).toBe(first[0]!.raw)
    expect(botOf(world.api).users).toEqual([
      expect.objectContaining({ id: result.output!.userId, tags: expect.objectContaining({ id: 'hd_user_1', email: 'ada@example.com' }) }),
    ])
  })

  it('with an email, the same end user again (even renamed) is the one user, without another helpdesk call', async () => {
    const calls = expectHelpdeskCall('POST', '/users', [201, { id: 'hd_user_1' }])
    const first = await runAction<{ userId: string }>('createUser', { name: 'Ada', email: 'ada@example.com' })
    const again = await runAction<{ userId: string }>('createUser', { name: 'Ada', email: 'ada@example.com' })
    const renamed = await runAction<{ userId: string }>('createUser', { name: 'Ada L.', email: 'ADA@example.com ' })
    expect(calls).toHaveLength(1)
    expect(again.output!.userId).toBe(first.output!.userId)
    expect(renamed.output!.userId).toBe(first.output!.userId)
    expect(botOf(world.api).users).toHaveLength(1)
  })

  it('a retry under another name finds the pending user and sends the body of its first attempt', async () => {
    const first = expectHelpdeskCall('POST', '/users', [504, { message: 'gateway timeout' }, { 'retry-after': '120' }])
    await runAction('createUser', { name: 'Ada', email: 'ada@example.com' })
    const retried = expectHelpdeskCall('POST', '/users', [201, { id: 'hd_user_1' }])
    await runAction('createUser', { name: 'Ada Lovelace', email: 'ada@example.com' })
    expect(retried[0]!.headers['webhook-id']).toBe(first[0]!.headers['webhook-id'])
    expect(retried[0]!.raw).toBe(first[0]!.raw)
  })

  it('once linked, the same input again is another end user (two people may share a name)', async () => {
    expectHelpdeskCall('POST', '/users', [201, { id: 'hd_user_1' }], [201, { id: 'hd_user_2' }])
    const a = await runAction<{ userId: string }>('createUser', { name: 'Sam' })
    const b = await runAction<{ userId: string }>('createUser', { name: 'Sam' })
    expect(a.output!.userId).not.toBe(b.output!.userId)
    expect(botOf(world.api).users.map((u) => u.tags.id)).toEqual(['hd_user_1', 'hd_user_2'])
  })
})

describe('startHitl', () => {
  it('opens the ticket with title, description, session fields and the whole history, each entry with its text', async () => {
    const user = await seedEndUser(world.api)
    const calls = expectHelpdeskCall('POST', '/conversations', [201, { id: 'hd_conv_7' }])
    const session = {
      priority: 'urgent',
      tags: ['billing'],
      queue: 'tier-2',
      requesterName: 'Ada L.',
      requesterEmail: 'ada@corp.test',
      customFields: { orderId: '42' },
    }
    const result = await runAction<{ conversationId: string }>('startHitl', {
      userId: user.id,
      title: 'Late order',
      description: 'Order 42 has not arrived',
      hitlSession: session,
      messageHistory: historyOfEveryType,
    })
    expect(result.status).toBe(200)
    const conversation = botOf(world.api).conversations.find((c) => c.id === result.output?.conversationId)
    expect(conversation).toMatchObject({ channel: 'hitl', tags: { id: 'hd_conv_7' } })

    assertSigned(calls[0]!)
    const body = calls[0]!.body as { messages: Array<{ type: string; author: unknown; text: string }> }
    expect(body).toMatchObject({
      botpressConversationId: conversation!.id,
      userId: 'hd_user_1',
      botpressUserId: user.id,
      title: 'Late order',
      description: 'Order 42 has not arrived',
      session,
    })
    expect(body.messages.map((m) => m.type)).toEqual(historyOfEveryType.map((m) => m.type))
    expect(body.messages[0]!.author).toEqual({ type: 'bot' })
    expect(body.messages[1]!.author).toEqual({ type: 'user', botpressUserId: 'user_end' })
    expect(body.messages.map((m) => m.text)).toEqual([
      'Hi, how can I help?',
      'My order is late',
      '**Order** 42',
      'Receipt (image: https://x.test/a.png)',
      'audio: https://x.test/a.mp3',
      'video: https://x.test/a.mp4',
      'Invoice (file: https://x.test/a.pdf)',
      'Montreal\nlocation: 45.5, -73.6',
      'Order 42\nShipped\nOptions: Track',
      'Plan A\n\nPlan B',
      'Pick one\nOptions: Yes | No',
      'Country\nOptions: Canada',
      'Here:\nimage: https://x.test/b.png',
    ])
  })

  it('forwards only the latest historyLimit messages', async () => {
    const user = await seedEndUser(world.api)
    const calls = expectHelpdeskCall('POST', '/conversations', [201, { id: 'hd_conv_8' }])
    await runAction('startHitl', { userId: user.id, messageHistory: historyOfEveryType }, { ...testConfig, historyLimit: 2 })
    const body = calls[0]!.body as { messages: Array<{ type: string }> }
    expect(body.messages.map((m) => m.type)).toEqual(['dropdown', 'bloc'])
  })

  it('leaves out history entries of a type the contract does not know', async () => {
    const user = await seedEndUser(world.api)
    const calls = expectHelpdeskCall('POST', '/conversations', [201, { id: 'hd_conv_9' }])
    const history = [
      { source: { type: 'bot' }, type: 'custom', payload: { name: 'widget' } },
      { source: { type: 'bot' }, type: 'text', payload: { text: 'still here' } },
    ]
    await runAction('startHitl', { userId: user.id, messageHistory: history })
    expect((calls[0]!.body as { messages: unknown[] }).messages).toEqual([
      { author: { type: 'bot' }, type: 'text', payload: { text: 'still here' }, text: 'still here' },
    ])
  })

  it('refuses a user that createUser did not make, without calling the helpdesk', async () => {
    const { user } = await botClient(world.api).createUser({ name: 'Stranger', tags: {} })
    const result = await runAction('startHitl', { userId: user.id, messageHistory: [] })
    expect(result.error).toMatch(/no helpdesk id.*createUser/)
    expect(botOf(world.api).conversations).toHaveLength(0)
  })

  it('after a refusal, leaves no conversation the plugin or a webhook could use, and the request once fixed opens a new one', async () => {
    const user = await seedEndUser(world.api)
    const refused = expectHelpdeskCall('POST', '/conversations', [400, { message: 'queue tier-9 does not exist' }])
    const input = { userId: user.id, messageHistory: [], hitlSession: { queue: 'tier-9' } }
    const result = await runAction('startHitl', input)
    expect(result.error).toContain('POST /conversations failed with 400')
    expect(result.error).toContain('queue tier-9 does not exist')
    expect(botOf(world.api).conversations.filter((c) => c.tags.id !== undefined || c.tags.pendingFor !== undefined)).toEqual([])
    // the helpdesk remembers its 400 for that webhook-id: the retry must come with another one
    const fixed = expectHelpdeskCall('POST', '/conversations', [201, { id: 'hd_conv_2' }])
    const retried = await runAction<{ conversationId: string }>('startHitl', input)
    expect(retried.status).toBe(200)
    expect(fixed[0]!.headers['webhook-id']).not.toBe(refused[0]!.headers['webhook-id'])
    expect(botOf(world.api).conversations.find((c) => c.id === retried.output!.conversationId)!.tags.id).toBe('hd_conv_2')
  })
})

describe('startHitl: bounded history', () => {
  const say = (i: number, size: number) => ({ source: { type: 'bot' }, type: 'text', payload: { text: `${i}:${'x'.repeat(size)}` } })

  it('keeps the newest messages that fit in 512 KiB, drops the oldest, and says how many are left out', async () => {
    const user = await seedEndUser(world.api)
    const calls = expectHelpdeskCall('POST', '/conversations', [201, { id: 'hd_conv_big' }])
    const history = Array.from({ length: 100 }, (_, i) => say(i, 10_000))
    const result = await runAction('startHitl', { userId: user.id, messageHistory: history })
    expect(result.status).toBe(200)
    const body = calls[0]!.body as { messages: Array<{ text: string }>; omittedMessages: number }
    const kept = body.messages.length
    expect(kept).toBeGreaterThan(20)
    expect(kept).toBeLessThan(100)
    expect(Buffer.byteLength(JSON.stringify(body.messages))).toBeLessThanOrEqual(512 * 1024)
    expect(body.messages.map((m) => Number(m.text.split(':')[0]))).toEqual(Array.from({ length: kept }, (_, i) => 100 - kept + i))
    expect(body.omittedMessages).toBe(100 - kept)
    expect(Buffer.byteLength(calls[0]!.raw)).toBeLessThanOrEqual(1024 * 1024)
  })

  it('counts the messages over the history limit and of unknown types as left out too', async () => {
    const user = await seedEndUser(world.api)
    const calls = expectHelpdeskCall('POST', '/conversations', [201, { id: 'hd_conv_small' }])
    const history = [{ source: { type: 'bot' }, type: 'custom', payload: {} }, say(1, 1), say(2, 1), say(3, 1)]
    await runAction('startHitl', { userId: user.id, messageHistory: history }, { ...testConfig, historyLimit: 2 })
    expect(calls[0]!.body).toMatchObject({ omittedMessages: 2, messages: [{ text: '2:x' }, { text: '3:x' }] })
  })

  it('a request over 1 MiB without its history (a huge description) fails at once, naming its size', async () => {
    const user = await seedEndUser(world.api)
    const result = await runAction('startHitl', { userId: user.id, description: 'd'.repeat(1024 * 1024), messageHistory: [] })
    expect(result.error).toContain('Helpdesk call POST /conversations was not sent: its body is 1025 KiB, over the 1024 KiB')
    expect(botOf(world.api).conversations.filter((c) => c.tags.pendingFor !== undefined)).toEqual([])
  })
})

describe('stopHitl', () => {
  it('closes the helpdesk conversation and marks the Botpress one closed', async () => {
    const conversation = await openConversation(world.api)
    const calls = expectHelpdeskCall('POST', '/conversations/hd_conv_1/close', [200, { ok: true }])
    const result = await runAction('stopHitl', { conversationId: conversation.id })
    expect(result).toEqual({ status: 200, output: {} })
    assertSigned(calls[0]!)
    expect(calls[0]!.body).toEqual({ botpressConversationId: conversation.id })
    expect(calls[0]!.headers['webhook-id']).toBe(`close-${conversation.id}`)
    expect(botOf(world.api).conversations[0]!.tags.closed).toBe('true')
  })

  it.each([404, 409])('treats %i (already closed) as success', async (status) => {
    const conversation = await openConversation(world.api)
    expectHelpdeskCall('POST', '/conversations/hd_conv_1/close', [status, { error: { message: 'already closed' } }])
    const result = await runAction('stopHitl', { conversationId: conversation.id })
    expect(result.status).toBe(200)
    expect(botOf(world.api).conversations[0]!.tags.closed).toBe('true')
  })

  it('does not call the helpdesk again for a conversation already closed', async () => {
    const conversation = await openConversation(world.api, { id: 'hd_conv_1', closed: 'true' })
    const result = await runAction('stopHitl', { conversationId: conversation.id })
    expect(result.status).toBe(200)
  })

  it('fails on another refusal, naming the call and the status', async () => {
    const conversation = await openConversation(world.api)
    expectHelpdeskCall('POST', '/conversations/hd_conv_1/close', [403, { message: 'agents only' }])
    const result = await runAction('stopHitl', { conversationId: conversation.id })
    expect(result.error).toContain('POST /conversations/hd_conv_1/close failed with 403')
    expect(botOf(world.api).conversations[0]!.tags.closed).toBeUndefined()
  })
})

describe('errors', () => {
  it('never contain the token or the secret, even when the helpdesk echoes them', async () => {
    expectHelpdeskCall('POST', '/users', [401, { message: `bad token ${TEST_TOKEN} for secret ${TEST_SECRET}` }])
    const result = await runAction('createUser', { name: 'Ada' })
    expect(result.error).toContain('401')
    expect(result.error).not.toContain(TEST_TOKEN)
    expect(result.error).not.toContain(TEST_SECRET.slice('whsec_'.length))
  })
})

describe('helpdesk ids', () => {
  it('takes a numeric id as a string', async () => {
    expectHelpdeskCall('POST', '/users', [201, { id: 1842 }])
    const result = await runAction<{ userId: string }>('createUser', { name: 'Ada' })
    expect(botOf(world.api).users[0]!.tags.id).toBe('1842')
    expect(result.status).toBe(200)
  })
})

describe('helpdesk ids are safe in paths', () => {
  const unsafe: Array<[string, string]> = [
    ['"."', '.'],
    ['".."', '..'],
    ['a control character', 'hd\u0000conv'],
    ['a line break', 'hd\nconv'],
    ['over 200 characters', 'c'.repeat(201)],
  ]

  it.each(unsafe)('startHitl refuses a ticket id of %s with a clear error, and tags nothing with it', async (_, id) => {
    const user = await seedEndUser(world.api)
    expectHelpdeskCall('POST', '/conversations', [201, { id }])
    const result = await runAction('startHitl', { userId: user.id, messageHistory: [] })
    expect(result.error).toMatch(/Helpdesk call POST \/conversations answered with an unexpected body \(201 id: /)
    expect(result.error).toMatch(/must not be "\." or "\.\." nor hold control characters|at most 200 character/)
    expect(botOf(world.api).conversations.filter((c) => c.tags.id !== undefined)).toEqual([])
  })

  it.each(unsafe)('createUser refuses a user id of %s', async (_, id) => {
    expectHelpdeskCall('POST', '/users', [201, { id }])
    const result = await runAction('createUser', { name: 'Ada' })
    expect(result.error).toMatch(/Helpdesk call POST \/users answered with an unexpected body \(201 id: /)
    expect(botOf(world.api).users.filter((u) => u.tags.id !== undefined)).toEqual([])
  })

  it('stopHitl never sends a conversation id that would change the path', async () => {
    const conversation = await openConversation(world.api, { id: '..' })
    const result = await runAction('stopHitl', { conversationId: conversation.id })
    expect(result.error).toContain('Helpdesk call POST /conversations/{id}/close was not sent: The helpdesk id ".." cannot be used')
    expect(botOf(world.api).conversations[0]!.tags.closed).toBeUndefined()
  })

  it('encodes an id with reserved characters as one path segment', async () => {
    const conversation = await openConversation(world.api, { id: '../admin?x=1#' })
    const calls = expectHelpdeskCall('POST', '/conversations/..%2Fadmin%3Fx%3D1%23/close', [200])
    const result = await runAction('stopHitl', { conversationId: conversation.id })
    expect(result.status).toBe(200)
    expect(calls).toHaveLength(1)
  })
})
