import { describe, expect, it } from 'vitest'
import {
  agent,
  assigned,
  closed,
  drive,
  elapse,
  message,
  openConversation,
  otherAgent,
  send,
  useFakeClock,
  useWebhookWorld,
} from '../harness/webhook-world'

/*
 * Botpress API calls per event, in the steady state (the agent user exists, with its profile marked by occurredAt).
 * Before the announcement turn: 10 per assignment, 7 per close.
 */
const world = useWebhookWorld()
const at = (second: number) => new Date(Date.UTC(2026, 4, 1, 9, 0, second)).toISOString()

const callsOf = async (body: unknown, webhookId: string) => {
  world.api.resetCalls()
  const answer = await drive(send(body, webhookId))
  return { status: answer.status, duplicate: answer.body.duplicate === true, calls: world.api.calls.map((c) => c.operation) }
}

describe('calls per event', () => {
  it('agent message: 2, redelivered: 2', async () => {
    useFakeClock()
    await openConversation(world.api)
    await callsOf(message('m0', { occurredAt: at(0) }), 'wh_m0') // creates and marks the agent user
    expect(await callsOf(message('m1', { occurredAt: at(1) }), 'wh_m1')).toEqual({
      status: 200,
      duplicate: false,
      calls: ['listConversations', 'initializeIncomingMessage'],
    })
    expect((await callsOf(message('m1', { occurredAt: at(1) }), 'wh_m1')).calls).toHaveLength(2)
  })

  it('assignment: 6 (find, agent user, turn, record, announce, give back); duplicates 1 or 2', async () => {
    useFakeClock()
    await openConversation(world.api)
    await callsOf(message('m0', { occurredAt: at(0) }), 'wh_m0')
    await callsOf(message('m0b', { agent: otherAgent, occurredAt: at(0) }), 'wh_m0b')
    expect(await callsOf(assigned(agent, at(1)), 'wh_a1')).toEqual({
      status: 200,
      duplicate: false,
      calls: ['listConversations', 'getOrCreateUser', 'getOrSetState', 'updateConversation', 'createEvent', 'setState'],
    })
    await elapse(1_000)
    expect(await callsOf(assigned(agent, at(1)), 'wh_a1')).toMatchObject({ duplicate: true, calls: ['listConversations', 'listEvents'] })
    expect((await callsOf(assigned(otherAgent, at(2)), 'wh_a2')).calls).toHaveLength(6)
    await elapse(1_000)
    expect(await callsOf(assigned(agent, at(1)), 'wh_a1')).toMatchObject({ duplicate: true, calls: ['listConversations'] })
    expect(await callsOf(assigned(agent, at(0)), 'wh_a0')).toMatchObject({ duplicate: true, calls: ['listConversations'] })
  })

  it('close: 4 (find, turn, mark, announce); redelivered: 2; an event after it: 1', async () => {
    useFakeClock()
    await openConversation(world.api)
    expect(await callsOf(closed(), 'wh_c1')).toEqual({
      status: 200,
      duplicate: false,
      calls: ['listConversations', 'getOrSetState', 'updateConversation', 'createEvent'],
    })
    expect(await callsOf(closed(), 'wh_c1')).toMatchObject({ duplicate: true, calls: ['listConversations', 'listEvents'] })
    expect(await callsOf(message('m9'), 'wh_m9')).toMatchObject({ status: 409, calls: ['listConversations'] })
  })
})
