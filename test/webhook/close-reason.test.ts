import { LEASE_MS } from '../../src/webhook/turn'
import { describe, expect, it } from 'vitest'
import {
  agent,
  announcements,
  assigned,
  closed,
  drive,
  elapse,
  expectAnswer,
  openConversation,
  send,
  snapshot,
  useFakeClock,
  useWebhookWorld,
} from '../harness/webhook-world'

/* The reason of conversation.closed reaches the end user: the hitlStopped event has no field for it. */
const world = useWebhookWorld()

const messagesOf = () => snapshot(world.api).messages.map((m) => ({ userId: m.userId, payload: m.payload }))
const agentUserId = () => snapshot(world.api).users.find((u) => u.tags.agentId === agent.id)?.id

describe('the close reason', () => {
  it("is the assigned agent's last message, written before hitlStopped, once however often the close is redelivered", async () => {
    useFakeClock()
    await openConversation(world.api)
    expectAnswer(await drive(send(assigned(), 'wh_assign_1')), 200, { ok: true })
    await elapse(LEASE_MS) // the assignment's turn lapses
    world.api.resetCalls()

    expectAnswer(await drive(send(closed(), 'wh_close_1')), 200, { ok: true })
    expect(messagesOf()).toEqual([{ userId: agentUserId(), payload: { text: 'solved' } }])
    const order = world.api.calls.map((call) => call.operation)
    expect(order.indexOf('getOrCreateMessage')).toBeLessThan(order.indexOf('createEvent'))
    expect(announcements(world.api)).toEqual(['assigned:agent_7', 'stopped'])

    expectAnswer(await drive(send(closed(), 'wh_close_1')), 200, { ok: true, duplicate: true })
    expect(messagesOf()).toHaveLength(1)
    expect(announcements(world.api)).toEqual(['assigned:agent_7', 'stopped'])
  })

  it('is written once when the first delivery failed after writing it', async () => {
    useFakeClock()
    await openConversation(world.api)
    expectAnswer(await drive(send(assigned(), 'wh_assign_1')), 200, { ok: true })
    await elapse(LEASE_MS) // the assignment's turn lapses
    world.api.failNext('createEvent', { status: 500, times: 10 }) // past the client's own retries
    expect((await drive(send(closed(), 'wh_close_1'))).status).toBe(503)
    expect(messagesOf()).toHaveLength(1)
    world.api.clearFailures()
    expectAnswer(await drive(send(closed(), 'wh_close_1')), 200, { ok: true })
    expect(messagesOf()).toEqual([{ userId: agentUserId(), payload: { text: 'solved' } }])
    expect(announcements(world.api)).toEqual(['assigned:agent_7', 'stopped'])
  })

  it('is not written when no agent was assigned (no one could say it), and the close is announced', async () => {
    await openConversation(world.api)
    expectAnswer(await send(closed(), 'wh_close_1'), 200, { ok: true })
    expect(messagesOf()).toEqual([])
    expect(announcements(world.api)).toEqual(['stopped'])
  })
})
