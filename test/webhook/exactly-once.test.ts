import { LEASE_MS } from '../../src/webhook/turn'
import { Client } from '@botpress/client'
import { describe, expect, it } from 'vitest'
import { BOT_ID } from '../harness/integration'
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
  otherAgent,
  referenced,
  send,
  snapshot,
  until,
  useFakeClock,
  useWebhookWorld,
} from '../harness/webhook-world'

/*
 * Exactly once, with no holes, through integration.handler against the loopback Botpress API: stalls (429 with
 * Retry-After, 502 three times, a held call), lost answers, redeliveries and late events. Time is fake: the SDK's
 * Retry-After waits, the turn's lease and state expiry all move with the test's clock.
 */
const world = useWebhookWorld()

/** The helpdesk id of the agent in force: the agentId tag of the user the conversation's agentUserId names. */
const assignedAgentId = () => {
  const bot = snapshot(world.api)
  const agentUserId = bot.conversations[0]?.tags.agentUserId
  return bot.users.find((user) => user.id === agentUserId)?.tags.agentId
}

const createEventAnswers = () => world.api.callsTo('createEvent').map((call) => call.status)

// Each scenario with the conversation found by the helpdesk's id, and named by the reference the helpdesk echoes.
describe.each([
  ['found by its id', false],
  ['named by its reference', true],
])('conversation %s', (_, echoesReference) => {
  let current = ''
  const open = async () => {
    const conversation = await openConversation(world.api)
    current = conversation.id
    return conversation
  }
  const as = <T extends object>(body: T) => (echoesReference ? referenced(body, current) : body)

  describe('a stalled call never doubles an announcement', () => {
    for (const [name, fault] of [
      ['429 with Retry-After: 6', { status: 429, headers: { 'retry-after': '6' } }],
      ['502 three times in a row', { status: 502, times: 3 }],
    ] as const) {
      it(`conversation.closed: createEvent answered ${name} while the helpdesk redelivers: one hitlStopped`, async () => {
        useFakeClock()
        await open()
        world.api.failNext('createEvent', fault)
        const first = send(as(closed()), 'wh_close_1')
        await until(() => createEventAnswers().length > 0, 'the first createEvent')
        await elapse(5_500) // past the old 5 s lock expiry, before the SDK's retry

        const redelivery = await drive(send(as(closed()), 'wh_close_1'))
        expectAnswer(redelivery, 503, { error: { code: 'in_progress' } })
        // told to come back when the holder's lease (renewed while it waits) would have run out
        expect(Number(redelivery.headers['retry-after'])).toBeLessThanOrEqual(LEASE_MS / 1000)

        expectAnswer(await drive(first), 200, { ok: true })
        expect(announcements(world.api)).toEqual(['stopped'])
        expectAnswer(await drive(send(as(closed()), 'wh_close_1')), 200, { ok: true, duplicate: true })
        expect(announcements(world.api)).toEqual(['stopped'])
      })

      it(`agent.assigned: createEvent answered ${name} while the helpdesk redelivers: one hitlAssigned`, async () => {
        useFakeClock()
        await open()
        world.api.failNext('createEvent', fault)
        const first = send(as(assigned()), 'wh_assign_1')
        await until(() => createEventAnswers().length > 0, 'the first createEvent')
        await elapse(5_500)

        expectAnswer(await drive(send(as(assigned()), 'wh_assign_1')), 503, { error: { code: 'in_progress' } })
        expectAnswer(await drive(first), 200, { ok: true })
        expect(announcements(world.api)).toEqual(['assigned:agent_7'])
        await elapse(LEASE_MS) // the assignment's turn lapses
        expectAnswer(await drive(send(as(assigned()), 'wh_assign_1')), 200, { ok: true, duplicate: true })
        expect(announcements(world.api)).toEqual(['assigned:agent_7'])
      })
    }

    it('the turn cannot lapse under a live holder: a call held for 30 s keeps it, and only then is it announced', async () => {
      useFakeClock()
      const conversation = await open()
      const held = world.api.stallNext('createEvent')
      const first = send(as(closed()), 'wh_close_1')
      await held.reached
      await elapse(30_000) // three leases long: the holder renews its turn meanwhile

      for (const webhookId of ['wh_close_1', 'wh_close_2']) {
        expectAnswer(await drive(send(as(closed()), webhookId)), 503, { error: { code: 'in_progress' } })
      }
      expect(snapshot(world.api).states).toContainEqual(
        expect.objectContaining({ conversationId: conversation.id, name: 'turn', payload: expect.objectContaining({ kind: 'close' }) })
      )
      held.release()
      expectAnswer(await drive(first), 200, { ok: true })
      expect(announcements(world.api)).toEqual(['stopped'])
    })

    it('a holder that cannot renew its turn stops before announcing; the retry announces once', async () => {
      useFakeClock()
      await open()
      const held = world.api.stallNext('updateConversation') // the record write is slow ...
      world.api.failNext('setState', { status: 500, times: 10 }) // ... and every renewal fails
      const first = send(as(assigned()), 'wh_A')
      await held.reached
      await elapse(7_000)
      held.release()
      expectAnswer(await drive(first), 503, { error: { code: 'in_progress' } })
      expect(announcements(world.api)).toEqual([])
      world.api.clearFailures()
      await elapse(10_000) // the lease it could not renew lapses
      expectAnswer(await drive(send(as(assigned()), 'wh_A')), 200, { ok: true })
      expect(announcements(world.api)).toEqual(['assigned:agent_7'])
    })

    it('a close whose holder died before announcing is completed once, by one redelivery, after its lease', async () => {
      useFakeClock()
      const conversation = await open()
      // a holder that took the close's turn, marked the conversation closed and died before announcing
      const client = new Client({ apiUrl: world.api.url, botId: BOT_ID, integrationId: 'int_hitl', integrationAlias: 'hitl' })
      await client.getOrSetState({
        type: 'conversation',
        id: conversation.id,
        name: 'turn',
        payload: { token: 'dead-holder', delivery: 'x', kind: 'close', leaseUntil: Date.now() + LEASE_MS },
      })
      await client.updateConversation({ id: conversation.id, tags: { closedBy: 'helpdesk' } })

      expectAnswer(await drive(send(as(closed()), 'wh_close_1')), 503, { error: { code: 'in_progress' } })
      expect(announcements(world.api)).toEqual([])
      await elapse(LEASE_MS)
      const recoveries = await drive(Promise.all([send(as(closed()), 'wh_close_1'), send(as(closed()), 'wh_close_3')]))
      expect(recoveries.filter((a) => a.status === 200 && a.body.duplicate !== true)).toHaveLength(1)
      expect(announcements(world.api)).toEqual(['stopped'])
      expectAnswer(await drive(send(as(closed()), 'wh_close_1')), 200, { ok: true, duplicate: true })
      expectAnswer(await drive(send(as(closed()), 'wh_close_2')), 200, { ok: true, duplicate: true })
      expect(announcements(world.api)).toEqual(['stopped'])
    })

    it('concurrent deliveries of one close, some redelivered, announce once', async () => {
      await open()
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => send(as(closed()), i % 2 ? 'wh_close_1' : `wh_close_${i}`))
      )
      expect(answers.filter((a) => a.status === 200 && a.body.duplicate !== true)).toHaveLength(1)
      expect(answers.every((a) => a.status === 200 || a.body.error !== undefined)).toBe(true)
      expect(announcements(world.api)).toEqual(['stopped'])
    })
  })

  describe('a retried assignment stays a duplicate after a reassignment', () => {
    it('A fails after its hitlAssigned was created, B is assigned, A is retried: [A, B], B in force', async () => {
      useFakeClock()
      await open()
      // hitlAssigned of A is written, then the answer is lost (500): A is answered 503
      world.api.failNext('createEvent', { status: 500, afterApply: true })
      expectAnswer(await drive(send(as(assigned(agent)), 'wh_A')), 503, { error: { code: 'botpress_unavailable' } })
      expect(announcements(world.api)).toEqual(['assigned:agent_7'])

      await elapse(LEASE_MS) // the assignment's turn lapses
      expectAnswer(await drive(send(as(assigned(otherAgent)), 'wh_B')), 200, { ok: true })
      await elapse(LEASE_MS) // the assignment's turn lapses
      expectAnswer(await drive(send(as(assigned(agent)), 'wh_A')), 200, { ok: true, duplicate: true })

      expect(announcements(world.api)).toEqual(['assigned:agent_7', 'assigned:agent_9'])
      expect(assignedAgentId()).toBe('agent_9')
    })

    it('A whose announcement failed is announced by its retry, once', async () => {
      useFakeClock()
      await open()
      world.api.failNext('createEvent', { status: 500 })
      expectAnswer(await drive(send(as(assigned(agent)), 'wh_A')), 503)
      expect(announcements(world.api)).toEqual([])
      await elapse(LEASE_MS) // the assignment's turn lapses
      expectAnswer(await drive(send(as(assigned(agent)), 'wh_A')), 200, { ok: true })
      await elapse(LEASE_MS) // the assignment's turn lapses
      expectAnswer(await drive(send(as(assigned(agent)), 'wh_A')), 200, { ok: true, duplicate: true })
      expect(announcements(world.api)).toEqual(['assigned:agent_7'])
    })

    it('the same agent again is not announced twice; a reassignment and back is', async () => {
      useFakeClock()
      await open()
      for (const [body, webhookId] of [
        [assigned(agent), 'wh_1'],
        [assigned(agent), 'wh_2'],
        [assigned(otherAgent), 'wh_3'],
        [assigned(agent), 'wh_4'],
      ] as const) {
        expect((await drive(send(as(body), webhookId))).status).toBe(200)
        await elapse(LEASE_MS) // the assignment's turn lapses
      }
      expect(announcements(world.api)).toEqual(['assigned:agent_7', 'assigned:agent_9', 'assigned:agent_7'])
    })
  })

  describe('no agent message after the close', () => {
    it('a message whose write is held while the close is processed is refused 409 and not kept', async () => {
      await open()
      const held = world.api.stallNext('initializeIncomingMessage')
      const late = send(as(message('hd_msg_late')), 'wh_msg_late')
      await held.reached // the message found the conversation open
      expectAnswer(await send(as(closed()), 'wh_close_1'), 200, { ok: true })
      held.release()
      expectAnswer(await late, 409, { error: { code: 'conversation_closed' } })
      expect(snapshot(world.api).messages).toEqual([])
      expect(announcements(world.api)).toEqual(['stopped'])
    })

    it('a message written before the close is kept and precedes hitlStopped', async () => {
      await open()
      expectAnswer(await send(as(message('hd_msg_1')), 'wh_msg_1'), 200, { ok: true })
      expectAnswer(await send(as(closed()), 'wh_close_1'), 200, { ok: true })
      const bot = snapshot(world.api)
      const stoppedAt = bot.events.find((e) => e.type === 'hitlStopped')!.createdAt
      expect(bot.messages.map((m) => m.createdAt <= stoppedAt)).toEqual([true])
      expectAnswer(await send(as(message('hd_msg_1')), 'wh_msg_1'), 409, { error: { code: 'conversation_closed' } })
    })
  })
})

describe('deliveries are told apart by webhook-id', () => {
  it('a redelivery with the same webhook-id but a regenerated message.id creates nothing new', async () => {
    await openConversation(world.api)
    expectAnswer(await send(message('hd_msg_1'), 'wh_msg_1'), 200, { ok: true })
    expectAnswer(await send(message('hd_msg_1_regenerated'), 'wh_msg_1'), 200, { ok: true, duplicate: true })
    expect(snapshot(world.api).messages.map((m) => m.tags.id)).toEqual(['hd_msg_1'])
  })

  it('a webhook-id over 256 characters is answered 400 and creates nothing', async () => {
    await openConversation(world.api)
    for (const body of [message(), assigned(), closed()]) {
      expectAnswer(await send(body, 'w'.repeat(257)), 400, { error: { code: 'invalid_webhook_id' } })
    }
    expect(world.api.calls).toEqual([])
    expectAnswer(await send(message(), 'w'.repeat(256)), 200, { ok: true })
  })
})

describe('old events never undo new ones', () => {
  it('an assignment that occurred before the one in force changes nothing', async () => {
    useFakeClock()
    await openConversation(world.api)
    expect((await drive(send(assigned(otherAgent, '2026-05-01T09:00:02Z'), 'wh_B'))).status).toBe(200)
    await elapse(LEASE_MS) // the assignment's turn lapses
    // a first delivery of an older event (another webhook-id), arriving late
    expectAnswer(await drive(send(assigned(agent, '2026-05-01T09:00:01.500Z'), 'wh_A')), 200, { ok: true, duplicate: true })
    expect(announcements(world.api)).toEqual(['assigned:agent_9'])
    expect(assignedAgentId()).toBe('agent_9')
  })

  it("a late message never brings back the agent's old name or picture", async () => {
    await openConversation(world.api)
    const renamed = { ...agent, name: 'Grace B. Hopper', pictureUrl: 'https://x.test/new.png' }
    expect((await send(message('m2', { agent: renamed, occurredAt: '2026-05-01T09:00:02Z' }), 'wh_m2')).status).toBe(200)
    expect((await send(message('m1', { agent, occurredAt: '2026-05-01T09:00:01Z' }), 'wh_m1')).status).toBe(200)
    expect(snapshot(world.api).users).toEqual([
      expect.objectContaining({ name: 'Grace B. Hopper', pictureUrl: 'https://x.test/new.png' }),
    ])
    expect(snapshot(world.api).messages.map((m) => m.tags.id).sort()).toEqual(['m1', 'm2'])
  })
})
