import { Client } from '@botpress/client'
import nock from 'nock'
import { describe, expect, it } from 'vitest'
import { botOf, useWorld } from '../../harness/botpress'
import { useSkippedWaits } from '../../harness/clock'
import { BOT_ID, ofType, register, relayMessage, runAction } from '../../harness/integration'
import { logged } from '../../harness/logs'
import { parseRequestTrackerConfiguration } from '../../../src/helpdesks/request-tracker/config'
import { requestTrackerHelpdesk } from '../../../src/helpdesks/request-tracker/helpdesk'

/* The Request Tracker helpdesk against a faked REST2 API (nock), through integration.handler. */

const RT = 'https://rt.example.test'
const TOKEN = '12-34-0123456789abcdef'
const config = ofType('requestTracker', {
  requestTrackerUrl: RT,
  authToken: TOKEN,
  queue: 'Support',
  webhookSecret: `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
  requestTimeoutMs: 1000,
})

const world = useWorld()
// backoff waits take no time; the retry budget is spent as in production
useSkippedWaits()
const client = () => new Client({ apiUrl: world.api.url, botId: BOT_ID, integrationId: 'int_hitl' })

type Seen = { method: string; path: string; body: unknown; headers: Record<string, string> }

type Reply = [method: string, path: string | RegExp, status: number, body?: unknown]

/** Fakes REST2 calls in order: each entry answers one request; what arrived is recorded. */
const rtCalls = (...replies: Reply[]) => {
  const seen: Seen[] = []
  const scope = nock(RT)
  for (const [method, path, status, body] of replies) {
    const match = typeof path === 'string' ? `/REST/2.0${path}` : path
    scope.intercept(match, method).reply(function (uri, requestBody) {
      const headers = Object.fromEntries(Object.entries(this.req.headers).map(([k, v]) => [k, String(v)]))
      seen.push({ method, path: uri, body: requestBody === '' ? undefined : requestBody, headers })
      return [status, body === undefined ? '' : (body as nock.Body)]
    })
  }
  return seen
}

const none = { items: [] }
const found = (id: string) => ({ items: [{ id, type: 'x', _url: `${RT}/x/${id}` }] })

describe('Request Tracker: createUser', () => {
  it('creates an unprivileged RT user named by the email, with the token and no signature', async () => {
    const seen = rtCalls(
      ['POST', '/users', 200, none],
      ['POST', '/user', 201, { id: 'ada@example.com', type: 'user' }]
    )
    const result = await runAction<{ userId: string }>('createUser', { name: 'Ada Lovelace', email: 'ada@example.com' }, config)
    expect(result.status).toBe(200)
    expect(botOf(world.api).users.find((u) => u.id === result.output?.userId)?.tags.id).toBe('ada@example.com')
    expect(seen[0]!.body).toEqual([{ field: 'EmailAddress', value: 'ada@example.com' }])
    expect(seen[1]!.body).toEqual({ Name: 'ada@example.com', EmailAddress: 'ada@example.com', RealName: 'Ada Lovelace', Privileged: 0 })
    for (const call of seen) {
      expect(call.headers.authorization).toBe(`token ${TOKEN}`)
      expect(call.headers).not.toHaveProperty('webhook-signature')
    }
  })

  it('gives an end user without email the documented generated address', async () => {
    const seen = rtCalls(['POST', '/users', 200, none], ['POST', '/user', 201, { id: 'x' }])
    const result = await runAction<{ userId: string }>('createUser', { name: 'Anonymous' }, config)
    expect(result.status).toBe(200)
    const created = seen[1]!.body as { EmailAddress: string }
    expect(created.EmailAddress).toBe(`${result.output!.userId}@botpress.invalid`)
  })

  it('reuses the RT user that already has the email: no second user', async () => {
    const seen = rtCalls(['POST', '/users', 200, found('ada')])
    const result = await runAction<{ userId: string }>('createUser', { name: 'Ada', email: 'ada@example.com' }, config)
    expect(botOf(world.api).users.find((u) => u.id === result.output?.userId)?.tags.id).toBe('ada')
    expect(seen).toHaveLength(1)
  })

  it('after a failed creation that RT carried out anyway, finds the user instead of creating another', async () => {
    const seen = rtCalls(
      ['POST', '/users', 200, none],
      ['POST', '/user', 502, { message: 'Bad gateway' }],
      ['POST', '/users', 200, found('ada@example.com')]
    )
    const result = await runAction<{ userId: string }>('createUser', { name: 'Ada', email: 'ada@example.com' }, config)
    expect(result.status).toBe(200)
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(['POST /REST/2.0/users', 'POST /REST/2.0/user', 'POST /REST/2.0/users'])
  })

  it('names the call, the status and what RT said when it refuses', async () => {
    rtCalls(['POST', '/users', 200, none], ['POST', '/user', 403, { message: 'Permission Denied' }], ['POST', '/users', 200, none])
    const result = await runAction('createUser', { name: 'Ada', email: 'ada@example.com' }, config)
    expect(result.error).toContain('POST /REST/2.0/user failed with 403')
    expect(result.error).toContain('Permission Denied')
    expect(result.error).not.toContain(TOKEN)
    expect(logged().join('\n')).not.toContain(TOKEN)
  })
})

describe('Request Tracker: startHitl', () => {
  const seedUser = async () => (await client().createUser({ name: 'Ada', tags: { id: 'ada@example.com' } })).user
  const input = (userId: string) => ({
    userId,
    title: 'Late parcel',
    description: 'Parcel 42 is late',
    hitlSession: { priority: 'urgent', tags: ['parcel', 'vip'], queue: 'tier-2', customFields: { order: '42' } },
    messageHistory: [
      { source: { type: 'bot' }, type: 'text', payload: { text: 'Hi!' } },
      { source: { type: 'user', userId }, type: 'video', payload: { videoUrl: 'https://x.test/v.mp4' } },
    ],
  })

  it('opens a ticket in the queue with requestor, subject, priority, marker, and the history as its first content', async () => {
    const user = await seedUser()
    const seen = rtCalls(['GET', /^\/REST\/2\.0\/tickets\?query=/, 200, none], ['POST', '/ticket', 201, { id: '7', type: 'ticket' }])
    const result = await runAction<{ conversationId: string }>('startHitl', input(user.id), config)
    expect(result.status).toBe(200)
    const conversation = botOf(world.api).conversations.find((c) => c.id === result.output?.conversationId)!
    expect(conversation.tags.id).toBe('7')
    expect(decodeURIComponent(seen[0]!.path)).toBe(
      `/REST/2.0/tickets?query=Queue = 'Support' AND 'CF.{Botpress conversation}' = '${conversation.id}'`
    )
    const body = seen[1]!.body as Record<string, unknown>
    expect(body).toMatchObject({
      Queue: 'Support',
      Subject: 'Late parcel',
      Requestor: 'ada@example.com',
      Priority: 100,
      ContentType: 'text/plain',
      CustomFields: { 'Botpress conversation': conversation.id },
    })
    expect(body.Content).toBe(
      [
        'Parcel 42 is late',
        'Routing\n- Priority: urgent\n- Tags: parcel, vip\n- Queue asked for: tier-2\n- order: 42',
        'Conversation so far (oldest first; Botpress gives no times, the last one is just before this ticket)\n1. Bot:\n    Hi!\n2. End user (ada@example.com):\n    video: https://x.test/v.mp4',
        `Botpress conversation: ${conversation.id}\nBotpress user: ${user.id}`,
      ].join('\n\n')
    )
  })

  it('says in the ticket how many earlier messages the history limit left out', async () => {
    const user = await seedUser()
    const seen = rtCalls(['GET', /^\/REST\/2\.0\/tickets\?query=/, 200, none], ['POST', '/ticket', 201, { id: '7' }])
    const limited = { ...config, historyLimit: 1 }
    expect(await runAction('startHitl', input(user.id), limited)).toMatchObject({ status: 200 })
    const content = (seen[1]!.body as { Content: string }).Content
    expect(content).toContain('1. End user (ada@example.com):\n    video: https://x.test/v.mp4')
    expect(content).not.toContain('Hi!')
    expect(content).toContain('(1 earlier message not included: over the history limit or size, or of a type not relayed)')
  })

  it('finds the ticket an earlier attempt opened (the marker) and opens no second one', async () => {
    const user = await seedUser()
    const seen = rtCalls(['GET', /^\/REST\/2\.0\/tickets\?query=/, 200, found('7')])
    const result = await runAction<{ conversationId: string }>('startHitl', input(user.id), config)
    expect(botOf(world.api).conversations.find((c) => c.id === result.output?.conversationId)?.tags.id).toBe('7')
    expect(seen).toHaveLength(1)
  })

  it('after a 503 that created nothing, opens the ticket on the next attempt: one ticket', async () => {
    const user = await seedUser()
    const seen = rtCalls(
      ['GET', /^\/REST\/2\.0\/tickets\?query=/, 200, none],
      ['POST', '/ticket', 503, { message: 'busy' }],
      ['GET', /^\/REST\/2\.0\/tickets\?query=/, 200, none],
      ['POST', '/ticket', 201, { id: '8' }]
    )
    const result = await runAction<{ conversationId: string }>('startHitl', input(user.id), config)
    expect(result.status).toBe(200)
    expect(seen.filter((s) => s.path === '/REST/2.0/ticket')).toHaveLength(2)
    expect(botOf(world.api).conversations.find((c) => c.id === result.output?.conversationId)?.tags.id).toBe('8')
  })
})

describe('Request Tracker: bounded retries of a creation', () => {
  it('tries a creation that keeps failing retries + 1 times, looking before each new attempt, then names the failure', async () => {
    const helpdesk = requestTrackerHelpdesk(parseRequestTrackerConfiguration({ ...config }), {
      retry: { retries: 2, baseDelayMs: 1, budgetMs: 5000 },
    })
    const seen = rtCalls(
      ['POST', '/users', 200, none],
      ...[1, 2, 3].flatMap((): Reply[] => [
        ['POST', '/user', 503, { message: 'database is locked' }],
        ['POST', '/users', 200, none],
      ])
    )
    await expect(helpdesk.createContact({ botpressUserId: 'user_1', name: 'Ada', email: 'ada@example.com' })).rejects.toThrow(
      'POST /REST/2.0/user failed with 503 Service Unavailable: database is locked'
    )
    expect(seen.filter((s) => s.path === '/REST/2.0/user')).toHaveLength(3)
  })
})

describe('Request Tracker: messages and stopHitl', () => {
  const seedConversation = async () =>
    (await client().createConversation({ channel: 'hitl', tags: { id: '7' } })).conversation

  it('adds an end-user message as correspondence attributed to the end user, with the Botpress message id as marker', async () => {
    const conversation = await seedConversation()
    const seen = rtCalls(['POST', '/transactions', 200, none], ['POST', '/ticket/7/correspond', 201, ['Correspondence added']])
    const res = await relayMessage({
      type: 'image',
      payload: { imageUrl: 'https://x.test/box.png', title: 'Box', userId: 'user_ada' },
      conversation: { id: conversation.id, tags: conversation.tags },
      messageId: 'msg_42',
      configuration: config,
    })
    expect(res.status).toBe(200)
    expect(seen[0]!.body).toEqual([
      { field: 'ObjectType', value: 'RT::Ticket' },
      { field: 'ObjectId', value: '7' },
      { field: 'Type', value: 'Correspond' },
      { field: 'Data', operator: 'LIKE', value: '[msg_42]' },
    ])
    expect(seen[1]!.body).toEqual({
      Subject: 'End user via Botpress [msg_42]',
      Content: 'The end user wrote (via Botpress):\n\nBox (image: https://x.test/box.png)',
      ContentType: 'text/plain',
    })
  })

  it('does not post a message twice when an attempt timed out after RT recorded it', async () => {
    const conversation = await seedConversation()
    const seen = rtCalls(
      ['POST', '/transactions', 200, none],
      ['POST', '/ticket/7/correspond', 500, { message: 'oops' }],
      ['POST', '/transactions', 200, found('99')]
    )
    const res = await relayMessage({
      type: 'text',
      payload: { text: 'Hello' },
      conversation: { id: conversation.id, tags: conversation.tags },
      messageId: 'msg_43',
      configuration: config,
    })
    expect(res.status).toBe(200)
    expect(seen.filter((s) => s.path.endsWith('/correspond'))).toHaveLength(1)
  })

  it('stopHitl resolves the ticket; a ticket an agent already rejected counts as closed', async () => {
    const first = await seedConversation()
    const seen = rtCalls(['PUT', '/ticket/7', 200, ["Ticket 7: Status changed from 'open' to 'resolved'"]])
    expect(await runAction('stopHitl', { conversationId: first.id }, config)).toMatchObject({ status: 200 })
    expect(seen[0]!.body).toEqual({ Status: 'resolved' })

    const second = (await client().createConversation({ channel: 'hitl', tags: { id: '9' } })).conversation
    rtCalls(['PUT', '/ticket/9', 400, { message: 'Status change not allowed' }], ['GET', '/ticket/9', 200, { id: 9, Status: 'rejected' }])
    expect(await runAction('stopHitl', { conversationId: second.id }, config)).toMatchObject({ status: 200 })
  })
})

describe('Request Tracker: register', () => {
  const system = ['GET', '/rt', 200, { Version: '5.0.3' }] as const
  const queue = (links: string[], fields: string[]) => ({
    Name: 'Support',
    Disabled: '0',
    _hyperlinks: links.map((ref) => ({ ref })),
    TicketCustomFields: fields.map((name) => ({ name })),
  })

  it('passes with the token accepted, the queue creatable and the marker field visible', async () => {
    rtCalls([...system], ['GET', '/queue/Support', 200, queue(['self', 'create'], ['Botpress conversation'])])
    expect((await register(config)).status).toBe(200)
    expect(logged()).toContainEqual(expect.stringContaining(`Connected to Request Tracker at ${RT} (queue Support)`))
  })

  it.each([
    [[401, { message: 'Unauthorized' }], 'Request Tracker refused the auth token'],
    [[404, { message: 'Not Found' }], 'has no REST2 API at /REST/2.0/'],
  ] as const)('names what to fix when GET /rt answers %j', async ([status, body], advice) => {
    rtCalls(['GET', '/rt', status, body])
    const res = await register(config)
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.body).toContain(advice)
  })

  it('names the missing right and the missing marker field', async () => {
    rtCalls([...system], ['GET', '/queue/Support', 200, queue(['self'], [])])
    const message = (JSON.parse((await register(config)).body!) as { message: string }).message
    expect(message).toContain('may not create tickets in "Support": grant it CreateTicket')
    expect(message).toContain('the custom field "Botpress conversation" is missing')
  })
})
