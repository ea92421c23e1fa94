import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FailOptions, Operation } from '../../sandbox/botpress-api'
import { useWorld } from '../harness/botpress'
import { useSkippedWaits, withoutWaiting } from '../harness/clock'
import { seedEndUser } from '../harness/seed'
import { drive, useFakeClock } from '../harness/webhook-world'
import { startFakeHelpdesk, type FakeHelpdesk, type Fault } from '../../kit/fake-helpdesk/fake-helpdesk'
import { relayMessage, runAction, TEST_SECRET, TEST_TOKEN, testConfig, type WebhookAnswer } from '../harness/integration'
import {
  agentAssigned,
  announcements,
  conversationClosed,
  deliverEvent,
  messageCreated,
  openConversation,
  snapshot,
  type Delivery,
} from '../harness/reliability'
import { LEASE_MS } from '../../src/webhook/turn'

/*
 * Faults on both sides. The helpdesk (a contract-keeping fake on a real loopback socket) times out, resets the
 * connection, answers 429, 5xx or 4xx, before or after it acted; the Botpress API fails at each step of a webhook.
 * Every case ends in the documented way (retried within the budget, a clear error, or a 503 that makes the helpdesk
 * retry) and a later retry completes the work exactly once, on both sides.
 */

let clockOffset = 0
const world = useWorld({ now: () => Date.now() + clockOffset })
/**
 * The helpdesk's next delivery comes this much later, on the clocks of the API and of the integration (the same fake
 * clock when timers are faked): a turn left behind, or a lease in a close's turn, may have run out.
 */
const later = (ms = 2_000) => {
  if (vi.isFakeTimers()) vi.setSystemTime(Date.now() + ms)
  else clockOffset += ms
}
const bot = () => snapshot(world.api)

beforeEach(() => {
  clockOffset = 0
  for (const method of ['info', 'warn', 'log', 'debug', 'error'] as const) vi.spyOn(console, method).mockImplementation(() => {})
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/* ============================================================================================ the helpdesk */

describe('the helpdesk fails', () => {
  let helpdesk: FakeHelpdesk
  let config: Record<string, unknown>
  beforeEach(async () => {
    helpdesk = await startFakeHelpdesk({ secret: TEST_SECRET, token: TEST_TOKEN })
    config = { ...testConfig, helpdeskUrl: helpdesk.url, requestTimeoutMs: 1000 }
  })
  afterEach(() => helpdesk.close())

  type Outcome = { ok: boolean; error: string }
  type Target = {
    name: string
    method: 'POST'
    /** the helpdesk path the operation calls */
    path: RegExp
    prepare: () => Promise<void>
    run: () => Promise<Outcome>
    /** the work is done, once, on both sides */
    done: () => void
    /**
     * a failure left nothing behind in Botpress that a webhook or the plugin could use; after a refusal (4xx) the
     * helpdesk did not act, so nothing at all is left
     */
    undone: (after: 'refusal' | 'ambiguous failure') => void
  }

  let endUserId = ''
  let conversationId = ''
  const seedUserAndContact = async () => {
    helpdesk.state.users.push({ id: 'hd_user_1', botpressUserId: 'pending', name: 'Ada' })
    endUserId = (await seedEndUser(world.api)).id
  }
  const seedTicket = async () => {
    const conversation = await openConversation(world.api, { id: 'hd_conv_1' })
    helpdesk.state.tickets.push({ id: 'hd_conv_1', botpressConversationId: conversation.id, closed: false })
    conversationId = conversation.id
  }
  const outcomeOf = (res: { status: number; error?: string }): Outcome => ({ ok: res.status === 200, error: res.error ?? '' })

  const targets: Target[] = [
    {
      name: 'createUser',
      method: 'POST',
      path: /^\/users$/,
      prepare: async () => {},
      run: async () => outcomeOf(await runAction('createUser', { name: 'Ada', email: 'ada@example.com' }, config)),
      done: () => {
        expect(bot().users).toHaveLength(1)
        const [user] = bot().users
        expect(helpdesk.state.users).toEqual([expect.objectContaining({ botpressUserId: user!.id })])
        expect(user!.tags.id).toBe(helpdesk.state.users[0]!.id)
      },
      undone: (after) =>
        after === 'refusal'
          ? expect(bot().users).toEqual([])
          : expect(bot().users.filter((u) => u.tags.id !== undefined)).toEqual([]),
    },
    {
      name: 'startHitl',
      method: 'POST',
      path: /^\/conversations$/,
      prepare: seedUserAndContact,
      run: async () =>
        outcomeOf(
          await runAction(
            'startHitl',
            { userId: endUserId, title: 'Late order', messageHistory: [{ source: { type: 'bot' }, type: 'text', payload: { text: 'Hi' } }] },
            config
          )
        ),
      done: () => {
        // a refused request's conversation is let go (untagged, never deleted): only the linked one counts
        const linked = bot().conversations.filter((c) => c.tags.id !== undefined)
        expect(linked).toHaveLength(1)
        const [conversation] = linked
        expect(helpdesk.state.tickets).toEqual([expect.objectContaining({ botpressConversationId: conversation!.id })])
        expect(conversation!.tags.id).toBe(helpdesk.state.tickets[0]!.id)
      },
      undone: (after) =>
        after === 'refusal'
          ? expect(bot().conversations.filter((c) => c.tags.id !== undefined || c.tags.pendingFor !== undefined)).toEqual([])
          : expect(bot().conversations.filter((c) => c.tags.id !== undefined)).toEqual([]),
    },
    {
      name: 'stopHitl',
      method: 'POST',
      path: /^\/conversations\/hd_conv_1\/close$/,
      prepare: seedTicket,
      run: async () => outcomeOf(await runAction('stopHitl', { conversationId }, config)),
      done: () => {
        expect(helpdesk.state.tickets).toEqual([expect.objectContaining({ id: 'hd_conv_1', closed: true })])
        expect(helpdesk.acts.filter((a) => a.path.endsWith('/close'))).toHaveLength(1)
        expect(bot().conversations[0]!.tags.closed).toBe('true')
      },
      undone: () => expect(bot().conversations[0]!.tags.closed).toBeUndefined(),
    },
    {
      name: 'the hitl channel',
      method: 'POST',
      path: /^\/conversations\/hd_conv_1\/messages$/,
      prepare: seedTicket,
      run: async () => {
        const res = await relayMessage({
          type: 'text',
          payload: { text: 'Where is my order?', userId: 'user_end' },
          conversation: { id: conversationId, tags: { id: 'hd_conv_1' } },
          messageId: 'msg_end_1',
          configuration: config,
        })
        const status = res.status ?? 200
        return { ok: status === 200, error: status === 200 ? '' : (JSON.parse(res.body ?? '{}') as { message?: string }).message ?? '' }
      },
      done: () => expect(helpdesk.state.messages).toEqual([expect.objectContaining({ ticketId: 'hd_conv_1', botpressMessageId: 'msg_end_1' })]),
      undone: () => expect(helpdesk.state.messages).toEqual([]),
    },
  ]

  /** Faults on the first attempt(s) of the target's call; the later attempts reach a healthy helpdesk. */
  const planFor = (target: Target, faults: Fault[]) =>
    helpdesk.setPlan(({ method, path, attempt }) => (method === target.method && target.path.test(path) ? faults[attempt - 1] : undefined))
  const attemptsOf = (target: Target) => helpdesk.calls.filter((c) => target.path.test(c.path))

  describe.each(targets)('$name', (target) => {
    beforeEach(() => target.prepare())

    it.each<[string, Fault[], number]>([
      ['a timeout after the helpdesk acted', [{ kind: 'hang', when: 'after' }], 2],
      ['a connection reset after the helpdesk acted', [{ kind: 'reset', when: 'after' }], 2],
      ['a connection reset before the helpdesk acted', [{ kind: 'reset' }], 2],
      ['503 then 500 after the helpdesk acted', [{ kind: 'status', status: 503 }, { kind: 'status', status: 500, when: 'after' }], 3],
    ])('is retried after %s, with the same webhook-id, and the work is done once', async (_, faults, attempts) => {
      planFor(target, faults)
      const outcome = await withoutWaiting(() => target.run())
      expect(outcome).toEqual({ ok: true, error: '' })
      const calls = attemptsOf(target)
      expect(calls).toHaveLength(attempts)
      expect(new Set(calls.map((c) => c.webhookId)).size).toBe(1)
      expect(calls.every((c) => c.signed && c.authorization === `Bearer ${TEST_TOKEN}`)).toBe(true)
      target.done()
    })

    describe('on the client clock', () => {
      // the backoff waits return at once and move the client's clock forward: the wait asked for is what this shows
      const clientClock = useSkippedWaits()
      it('honours Retry-After on a 429, then succeeds once', async () => {
        planFor(target, [{ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: { message: 'slow down' } }])
        expect(await target.run()).toEqual({ ok: true, error: '' })
        expect(clientClock.waits).toHaveLength(1)
        expect(clientClock.waits[0]).toBeGreaterThanOrEqual(1000)
        expect(attemptsOf(target)).toHaveLength(2)
        target.done()
      })
    })

    it.each([400, 403, 422])('fails at once with a clear error on %i, leaves nothing behind, and a later retry does the work once', async (status) => {
      planFor(target, [{ kind: 'status', status, body: { error: { message: `refused with ${status} by policy` } } }])
      const failed = await withoutWaiting(() => target.run())
      expect(failed.ok).toBe(false)
      expect(failed.error).toMatch(new RegExp(`POST /[^ ]+ failed with ${status}`))
      expect(failed.error).toContain(`refused with ${status} by policy`)
      expect(failed.error).toContain('after 1 attempt')
      expect(attemptsOf(target)).toHaveLength(1)
      target.undone('refusal')
      helpdesk.setPlan(undefined)
      expect(await withoutWaiting(() => target.run())).toEqual({ ok: true, error: '' })
      target.done()
    })

    it('gives up on a 503 whose Retry-After is beyond the budget with a clear error, and a later retry does the work once', async () => {
      planFor(target, [{ kind: 'status', status: 503, headers: { 'retry-after': '120' }, body: { message: 'maintenance' } }])
      const failed = await withoutWaiting(() => target.run())
      expect(failed.ok).toBe(false)
      expect(failed.error).toMatch(/failed with 503.*maintenance.*after 1 attempt/)
      target.undone('ambiguous failure')
      helpdesk.setPlan(undefined)
      expect(await withoutWaiting(() => target.run())).toEqual({ ok: true, error: '' })
      target.done()
    })

    // The helpdesk committed, then failed to answer: the retry must reach it with the same webhook-id, or the helpdesk
    // ends with two tickets for one session (two contacts for one end user: createUser's retry finds its Botpress user
    // by a key derived from its input, so POST /users carries the same botpressUserId and webhook-id).
    it('gives up on a helpdesk that acted but answered 503 (Retry-After beyond the budget), and a later retry does not act twice', async () => {
      planFor(target, [{ kind: 'status', status: 503, headers: { 'retry-after': '120' }, when: 'after' }])
      expect((await withoutWaiting(() => target.run())).ok).toBe(false)
      helpdesk.setPlan(undefined)
      expect(await withoutWaiting(() => target.run())).toEqual({ ok: true, error: '' })
      target.done()
    })
  })
})

/* ========================================================================================== the Botpress API */

describe('the Botpress API fails in the middle of a webhook', () => {
  // Fake timers: the SDK client's own retry delays (1 s after a dropped connection) pass at once.
  beforeEach(() => void useFakeClock())
  const run = <T>(delivery: Promise<T>) => drive(delivery)
  const GRACE = { id: 'agent_grace', name: 'Grace', pictureUrl: 'https://x.test/grace.png' }
  const ALAN = { id: 'agent_alan', name: 'Alan' }

  const message: Delivery = {
    webhookId: 'wh_msg',
    // with occurredAt, a redelivery may complete a profile update that failed the first time
    event: { ...messageCreated({ conversationId: 'hd_conv_1', eventId: 'evt_msg', agent: GRACE, messageId: 'hd_msg_1' }), occurredAt: '2026-05-01T09:00:00Z' },
  }
  const assignGrace: Delivery = { webhookId: 'wh_assign', event: agentAssigned({ conversationId: 'hd_conv_1', eventId: 'evt_assign', agent: GRACE }) }
  const assignAlan: Delivery = { webhookId: 'wh_alan', event: agentAssigned({ conversationId: 'hd_conv_1', eventId: 'evt_alan', agent: ALAN }) }
  const close: Delivery = { webhookId: 'wh_close', event: conversationClosed({ conversationId: 'hd_conv_1', eventId: 'evt_close' }) }

  /** The agent user exists already under an older name, so that the webhook updates it. */
  const graceRenamed = async () => {
    await run(deliverEvent({
      webhookId: 'wh_old',
      event: messageCreated({ conversationId: 'hd_conv_1', eventId: 'evt_old', agent: { id: GRACE.id, name: 'G.' }, messageId: 'hd_msg_0' }),
    }))
  }
  const alanAssigned = async () => {
    expect((await run(deliverEvent(assignAlan))).status).toBe(200)
    later(LEASE_MS) // Alan's assignment turn lapses
  }

  const graceUser = () => bot().users.find((u) => u.tags.agentId === GRACE.id)
  const conversation = () => bot().conversations[0]!

  const messageDone = () => {
    expect(bot().messages.filter((m) => m.tags.id === 'hd_msg_1')).toEqual([
      expect.objectContaining({ conversationId: conversation().id, userId: graceUser()!.id, payload: { text: 'message hd_msg_1' } }),
    ])
    expect(graceUser()).toMatchObject({ name: GRACE.name, pictureUrl: GRACE.pictureUrl })
    expect(bot().users.filter((u) => u.tags.agentId === GRACE.id)).toHaveLength(1)
  }
  const assignDone = (before: string[]) => () => {
    expect(announcements(world.api).map((a) => a.agentId)).toEqual([...before, GRACE.id])
    expect(graceUser()).toMatchObject({ name: GRACE.name, pictureUrl: GRACE.pictureUrl })
    expect(conversation().tags.agentUserId).toBe(graceUser()!.id)
  }
  const closeDone = () => {
    expect(announcements(world.api).map((a) => a.type)).toEqual(['hitlStopped'])
    expect(conversation().tags.closedBy).toBe('helpdesk')
  }

  type Step = {
    op: Operation
    method: 'GET' | 'POST' | 'PUT'
    delivery: Delivery
    setup?: () => Promise<void>
    done: () => void
  }
  const steps: Array<[string, Step]> = [
    ['message.created / listConversations', { op: 'listConversations', method: 'GET', delivery: message, done: messageDone }],
    ['message.created / initializeIncomingMessage', { op: 'initializeIncomingMessage', method: 'POST', delivery: message, done: messageDone }],
    ['message.created / updateUser', { op: 'updateUser', method: 'PUT', delivery: message, setup: graceRenamed, done: messageDone }],
    ['agent.assigned / listConversations', { op: 'listConversations', method: 'GET', delivery: assignGrace, done: assignDone([]) }],
    [
      'agent.assigned / initializeIncomingMessage (agent user, conversation)',
      { op: 'initializeIncomingMessage', method: 'POST', delivery: assignGrace, done: assignDone([]) },
    ],
    ['agent.assigned / updateUser', { op: 'updateUser', method: 'PUT', delivery: assignGrace, setup: graceRenamed, done: assignDone([]) }],
    ['agent.assigned / getOrSetState (the turn)', { op: 'getOrSetState', method: 'POST', delivery: assignGrace, done: assignDone([]) }],
    ['agent.assigned / updateConversation (the record)', { op: 'updateConversation', method: 'PUT', delivery: assignGrace, done: assignDone([]) }],
    ['agent.assigned / createEvent', { op: 'createEvent', method: 'POST', delivery: assignGrace, done: assignDone([]) }],
    [
      'agent.assigned / createEvent (reassignment)',
      { op: 'createEvent', method: 'POST', delivery: assignGrace, setup: alanAssigned, done: assignDone([ALAN.id]) },
    ],
    ['conversation.closed / listConversations', { op: 'listConversations', method: 'GET', delivery: close, done: closeDone }],
    ['conversation.closed / getOrSetState (the turn)', { op: 'getOrSetState', method: 'POST', delivery: close, done: closeDone }],
    ['conversation.closed / updateConversation (the mark)', { op: 'updateConversation', method: 'PUT', delivery: close, done: closeDone }],
    ['conversation.closed / createEvent', { op: 'createEvent', method: 'POST', delivery: close, done: closeDone }],
  ]

  type Kind = { name: string; fail: FailOptions; retriedBySdk: (method: string) => boolean }
  const kinds: Kind[] = [
    {
      name: '500 on every attempt',
      fail: { status: 500, times: 4, headers: { 'retry-after': '0' } },
      retriedBySdk: () => false,
    },
    {
      name: '503 once',
      fail: { status: 503, times: 1, headers: { 'retry-after': '0' } },
      retriedBySdk: (method) => method !== 'POST',
    },
    { name: '429 once', fail: { status: 429, times: 1, headers: { 'retry-after': '0' } }, retriedBySdk: () => true },
    { name: '502 once', fail: { status: 502, times: 1, headers: { 'retry-after': '0' } }, retriedBySdk: () => true },
    { name: 'a dropped connection', fail: { status: 0, times: 1, dropConnection: true }, retriedBySdk: () => true },
  ]

  const expect503 = (res: WebhookAnswer) => {
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'botpress_unavailable' } } })
    expect(res.headers['retry-after']).toBeDefined()
  }

  describe.each(steps)('%s', (_, step) => {
    beforeEach(async () => {
      await openConversation(world.api, { id: 'hd_conv_1' })
      await step.setup?.()
      world.api.resetCalls()
    })

    it.each(kinds)('$name: ends as documented, and the helpdesk retry completes the work once', async (kind) => {
      world.api.failNext(step.op, kind.fail)
      const first = await run(deliverEvent(step.delivery))
      expect(world.api.callsTo(step.op).length).toBeGreaterThan(0)
      if (kind.retriedBySdk(step.method)) {
        expect(first).toMatchObject({ status: 200, body: { ok: true } })
      } else {
        expect503(first)
        world.api.clearFailures()
        later(LEASE_MS + 1_000) // a turn given back lapses in 1 s; one left after a dropped connection, at the end of its lease
        const retry = await run(deliverEvent(step.delivery))
        expect(retry.status).toBe(200)
      }
      // and any later redelivery changes nothing
      later()
      expect((await run(deliverEvent(step.delivery))).body).toEqual({ ok: true, duplicate: true })
      step.done()
    })
  })

  it('a connection dropped on every attempt of createEvent ends in a 503, and the retry announces once', async () => {
    await openConversation(world.api, { id: 'hd_conv_1' })
    world.api.failNext('createEvent', { status: 0, times: 4, dropConnection: true })
    expect503(await run(deliverEvent(assignGrace)))
    expect(world.api.callsTo('createEvent')).toHaveLength(4)
    // no answer came: a write may still land, so the turn is not given back but lapses at the end of its lease
    expect((await run(deliverEvent(assignGrace))).body).toMatchObject({ error: { code: 'in_progress' } })
    later(LEASE_MS + 1_000)
    expect((await run(deliverEvent(assignGrace))).body).toEqual({ ok: true })
    assignDone([])()
  }, 20_000)

  describe('when giving the turn back fails too', () => {
    it.each([
      ['agent.assigned', assignGrace, assignDone([])],
      ['conversation.closed', close, closeDone],
    ] as const)('%s: createEvent and then setState fail; the helpdesk retry still announces once', async (_, delivery, done) => {
      await openConversation(world.api, { id: 'hd_conv_1' })
      world.api.failNext('createEvent', { status: 500 })
      world.api.failNext('setState', { status: 500 })
      expect503(await run(deliverEvent(delivery)))
      // the helpdesk retries a 503 with backoff: until the turn that could not be given back lapses (its lease) it may
      // be told to come back later (503), but the answer that ends its retries (200) must come with the announcement made
      let answer = await run(deliverEvent(delivery))
      for (let attempt = 0; attempt < 3 && answer.status === 503; attempt++) {
        later(LEASE_MS + 1_000)
        answer = await run(deliverEvent(delivery))
      }
      expect(answer.status).toBe(200)
      done()
    })
  })

  describe('when the record (tag update) fails before the announcement', () => {
    const failTagUpdate = () => world.api.failNext('updateConversation', { status: 500, times: 4, headers: { 'retry-after': '0' } })

    it('conversation.closed: an agent message after the retried close is refused 409', async () => {
      await openConversation(world.api, { id: 'hd_conv_1' })
      failTagUpdate()
      expect503(await run(deliverEvent(close)))
      later()
      expect((await run(deliverEvent(close))).status).toBe(200)
      const late = await run(deliverEvent(message))
      expect(late.status).toBe(409)
      expect(bot().messages).toEqual([])
    })

    it('conversation.closed: once the turn lapsed, a redelivered close does not announce hitlStopped again', async () => {
      await openConversation(world.api, { id: 'hd_conv_1' })
      failTagUpdate()
      expect503(await run(deliverEvent(close)))
      later()
      expect((await run(deliverEvent(close))).status).toBe(200)
      later(LEASE_MS + 1_000)
      expect((await run(deliverEvent(close))).body).toEqual({ ok: true, duplicate: true })
      expect(announcements(world.api).map((a) => a.type)).toEqual(['hitlStopped'])
    })

    it('agent.assigned: once the turn lapsed, a redelivery of the same assignment is not announced again', async () => {
      await openConversation(world.api, { id: 'hd_conv_1' })
      failTagUpdate()
      expect503(await run(deliverEvent(assignGrace)))
      later()
      expect((await run(deliverEvent(assignGrace))).status).toBe(200)
      later(LEASE_MS + 1_000)
      expect((await run(deliverEvent(assignGrace))).body).toEqual({ ok: true, duplicate: true })
      expect(announcements(world.api).map((a) => a.agentId)).toEqual([GRACE.id])
    })
  })
})
