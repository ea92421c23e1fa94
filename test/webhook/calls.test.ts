import { describe, expect, it } from 'vitest'
import { LEASE_MS } from '../../src/webhook/turn'
import {
  agent,
  assigned,
  closed,
  drive,
  elapse,
  message,
  otherAgent,
  referenced,
  send,
  useFakeClock,
  useWebhookWorld,
} from '../harness/webhook-world'
import { openConversation } from '../harness/seed'

/*
 * Botpress API calls per event, in the steady state (the agent user exists, with its profile marked by occurredAt).
 * A helpdesk that echoes the conversation's reference spares an assignment or a close the lookup of the conversation
 * by its id (an agent message is looked up all the same, so that none is written into a closed one). Before the
 * announcement turn: 10 per assignment, 7 per close; before references, with a turn given back: 6 and 4.
 */
const world = useWebhookWorld()
const at = (second: number) => new Date(Date.UTC(2026, 4, 1, 9, 0, second)).toISOString()

const callsOf = async (body: unknown, webhookId: string) => {
  world.api.resetCalls()
  const answer = await drive(send(body, webhookId))
  return { status: answer.status, duplicate: answer.body.duplicate === true, calls: world.api.calls.map((c) => c.operation) }
}

describe('calls per event, with the reference echoed', () => {
  it('agent message: 2 (looked up by id all the same), redelivered: 2', async () => {
    useFakeClock()
    const { id } = await openConversation(world.api)
    await callsOf(referenced(message('m0', { occurredAt: at(0) }), id), 'wh_m0') // creates and marks the agent user
    expect(await callsOf(referenced(message('m1', { occurredAt: at(1) }), id), 'wh_m1')).toEqual({
      status: 200,
      duplicate: false,
      calls: ['listConversations', 'initializeIncomingMessage'],
    })
    expect(await callsOf(referenced(message('m1', { occurredAt: at(1) }), id), 'wh_m1')).toMatchObject({
      duplicate: true,
      calls: ['listConversations', 'initializeIncomingMessage'],
    })
  })

  it('assignment: 4 (turn, agent user and conversation, record, announce); duplicates 2 or 3', async () => {
    useFakeClock()
    const { id } = await openConversation(world.api)
    await callsOf(referenced(message('m0', { occurredAt: at(0) }), id), 'wh_m0')
    await callsOf(referenced(message('m0b', { agent: otherAgent, occurredAt: at(0) }), id), 'wh_m0b')
    expect(await callsOf(referenced(assigned(agent, at(1)), id), 'wh_a1')).toEqual({
      status: 200,
      duplicate: false,
      calls: ['getOrSetState', 'initializeIncomingMessage', 'updateConversation', 'createEvent'],
    })
    await elapse(LEASE_MS)
    expect(await callsOf(referenced(assigned(agent, at(1)), id), 'wh_a1')).toMatchObject({
      duplicate: true,
      calls: ['getOrSetState', 'initializeIncomingMessage', 'listEvents'],
    })
    await elapse(LEASE_MS)
    expect((await callsOf(referenced(assigned(otherAgent, at(2)), id), 'wh_a2')).calls).toHaveLength(4)
    await elapse(LEASE_MS)
    expect(await callsOf(referenced(assigned(agent, at(1)), id), 'wh_a1')).toMatchObject({
      duplicate: true,
      calls: ['getOrSetState', 'initializeIncomingMessage'],
    })
  })

  it('close: 3 (turn, mark, announce); redelivered: 3; an event after it: 2', async () => {
    useFakeClock()
    const { id } = await openConversation(world.api)
    const close = { ...referenced(closed(), id), reason: undefined }
    expect(await callsOf(close, 'wh_c1')).toEqual({
      status: 200,
      duplicate: false,
      calls: ['getOrSetState', 'updateConversation', 'createEvent'],
    })
    // the close's kept turn answers; the conversation is read to check that the reference is this event's
    expect(await callsOf(close, 'wh_c1')).toMatchObject({ duplicate: true, calls: ['getOrSetState', 'getConversation', 'listEvents'] })
    expect(await callsOf(referenced(assigned(agent, at(3)), id), 'wh_a3')).toMatchObject({
      status: 409,
      calls: ['getOrSetState', 'getConversation'],
    })
    // a message after the close is refused before anything is written
    expect(await callsOf(referenced(message('m9'), id), 'wh_m9')).toMatchObject({ status: 409, calls: ['listConversations'] })
  })
})

describe('calls per event, without the reference', () => {
  it('agent message: 2, redelivered: 2', async () => {
    useFakeClock()
    await openConversation(world.api)
    await callsOf(message('m0', { occurredAt: at(0) }), 'wh_m0')
    expect(await callsOf(message('m1', { occurredAt: at(1) }), 'wh_m1')).toEqual({
      status: 200,
      duplicate: false,
      calls: ['listConversations', 'initializeIncomingMessage'],
    })
    expect((await callsOf(message('m1', { occurredAt: at(1) }), 'wh_m1')).calls).toHaveLength(2)
  })

  it('assignment: 5 (find, turn, agent user and conversation, record, announce); duplicates 1 or 2', async () => {
    useFakeClock()
    await openConversation(world.api)
    await callsOf(message('m0', { occurredAt: at(0) }), 'wh_m0')
    await callsOf(message('m0b', { agent: otherAgent, occurredAt: at(0) }), 'wh_m0b')
    expect(await callsOf(assigned(agent, at(1)), 'wh_a1')).toEqual({
      status: 200,
      duplicate: false,
      calls: ['listConversations', 'getOrSetState', 'initializeIncomingMessage', 'updateConversation', 'createEvent'],
    })
    expect(await callsOf(assigned(agent, at(1)), 'wh_a1')).toMatchObject({ duplicate: true, calls: ['listConversations', 'listEvents'] })
    await elapse(LEASE_MS)
    expect((await callsOf(assigned(otherAgent, at(2)), 'wh_a2')).calls).toHaveLength(5)
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
