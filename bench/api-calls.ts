import type { Request, Response } from '@botpress/sdk'
import { startBotpressApi, type BotpressApiServer } from '../sandbox/botpress-api'
import { referenceFor } from '../contract/reference'
import integration from '../src/index'
import { LEASE_MS } from '../src/webhook/turn'
import { startFakeHelpdesk, type FakeHelpdesk } from '../kit/fake-helpdesk/fake-helpdesk'
import {
  actionRequest,
  agentAssignedEvent,
  AGENT,
  benchConfig,
  conversationClosedEvent,
  historyFor,
  messageCreatedEvent,
  BENCH_SECRET,
  BENCH_TOKEN,
  OUTBOUND_PAYLOADS,
  outboundRequest,
  webhookRequest,
  type Target,
} from './requests'

/*
 * Botpress API calls and helpdesk calls per operation, counted on the loopback Botpress API (`api.calls`) and the
 * fake helpdesk (checking every call against the contract, as in the tests), each operation sent once through `integration.handler` as Botpress Cloud would send it.
 */

export type CallRow = {
  group: 'action' | 'outbound' | 'inbound'
  operation: string
  answer: string
  botpressCalls: number
  botpressOperations: string[]
  helpdeskCalls: number
  helpdeskOperations: string[]
  note?: string
}

const BOT_ID = 'bot_bench_calls'

const describeAnswer = (res: Response | void): string => {
  const status = (res && res.status) ?? 200
  const body = res && res.body ? res.body : ''
  if (!body) return String(status)
  try {
    const json = JSON.parse(body) as { duplicate?: boolean; ok?: boolean; error?: { code?: string } }
    if (json.duplicate) return `${status} duplicate`
    if (json.error?.code) return `${status} ${json.error.code}`
  } catch {
    // not JSON: the status says it
  }
  return String(status)
}

const outputOf = <T>(res: Response | void): T => {
  if (!res || (res.status ?? 200) !== 200 || !res.body) throw new Error(`action failed: ${res?.status} ${res?.body}`)
  return (JSON.parse(res.body) as { output: T }).output
}

// Events that take a conversation's announcement turn are spaced by this much of the API's clock, so that each finds
// the previous one's turn lapsed instead of being answered 503 in_progress.
const TURN_GAP_MS = LEASE_MS + 1_000

export const measureApiCalls = async (): Promise<CallRow[]> => {
  let clockOffset = 0
  const api: BotpressApiServer = await startBotpressApi({ log: () => undefined, now: () => Date.now() + clockOffset })
  const nextTurn = () => {
    clockOffset += TURN_GAP_MS
  }
  const helpdesk: FakeHelpdesk = await startFakeHelpdesk({ secret: BENCH_SECRET, token: BENCH_TOKEN })
  const previousUrl = process.env.BP_API_URL
  process.env.BP_API_URL = api.url
  const target: Target = { botId: BOT_ID, config: benchConfig(helpdesk.url) }
  const rows: CallRow[] = []

  const measure = async (
    group: CallRow['group'],
    operation: string,
    req: Request,
    note?: (res: Response | void) => string | undefined
  ): Promise<Response | void> => {
    api.resetCalls()
    helpdesk.resetCalls()
    const res = await integration.handler(req)
    await new Promise((resolve) => setImmediate(resolve))
    const helpdeskOperations = helpdesk.calls.map((c) => (c.repeat ? `${c.operation} (repeat)` : c.operation))
    rows.push({
      group,
      operation,
      answer: describeAnswer(res),
      botpressCalls: api.calls.length,
      botpressOperations: api.calls.map((c) => c.operation),
      helpdeskCalls: helpdesk.calls.length,
      helpdeskOperations,
      ...(note ? { note: note(res) } : {}),
    })
    return res
  }

  try {
    const users = () => api.store.users(BOT_ID).length
    const conversations = () => api.store.conversations(BOT_ID).length

    // ----- actions
    const createUserInput = { name: 'Ada Lovelace', email: 'ada@example.test', pictureUrl: 'https://x.test/ada.png' }
    const { userId } = outputOf<{ userId: string }>(
      await measure('action', 'createUser', actionRequest('createUser', createUserInput, target))
    )
    const usersBefore = users()
    await measure('action', 'createUser, redelivered (same input)', actionRequest('createUser', createUserInput, target), () =>
      users() > usersBefore ? 'creates a second user on both sides (an input with an email should find its user)' : undefined
    )

    const startInput = { userId, title: 'Parcel lost', description: 'Order 1234', messageHistory: historyFor(userId), hitlSession: { priority: 'high' } }
    const { conversationId } = outputOf<{ conversationId: string }>(
      await measure('action', 'startHitl', actionRequest('startHitl', startInput, target))
    )
    const conversationsBefore = conversations()
    await measure('action', 'startHitl, redelivered (same input)', actionRequest('startHitl', startInput, target), () =>
      conversations() > conversationsBefore
        ? 'opens a second conversation and ticket: a completed request releases its key, so that a later handoff never lands in an old ticket'
        : undefined
    )
    const ticketId = api.store.conversations(BOT_ID).find((c) => c.id === conversationId)?.tags.id
    if (!ticketId) throw new Error('startHitl left no helpdesk id on the conversation')
    const hitl = { id: conversationId, tags: { id: ticketId } }

    // ----- outbound (end user -> helpdesk), each type, then the same message again
    for (const [type, payload] of OUTBOUND_PAYLOADS) {
      await measure('outbound', `message ${type}`, outboundRequest(type, payload, hitl, `msg_out_${type}`, target, userId))
    }
    for (const [type, payload] of OUTBOUND_PAYLOADS) {
      await measure(
        'outbound',
        `message ${type}, redelivered`,
        outboundRequest(type, payload, hitl, `msg_out_${type}`, target, userId),
        () =>
          helpdesk.calls.every((c) => c.repeat)
            ? 'same webhook-id as the first delivery: the helpdesk answers its first answer'
            : 'a webhook-id the helpdesk has not seen: it cannot tell the redelivery from a new message'
      )
    }

    // ----- inbound (helpdesk -> Botpress), every event with occurredAt as the contract asks; first with the
    // conversation's reference echoed (as the contract recommends), then on another conversation without it
    const inbound = async (ticketId: string, botpressConversationId: string | undefined) => {
      const suffix = botpressConversationId ? '' : ' (no reference)'
      const echoed = <T extends object>(event: T) =>
        botpressConversationId ? { ...event, reference: referenceFor(BENCH_SECRET, botpressConversationId) } : event
      const send = (operation: string, event: object, webhookId: string, at?: Date, note?: (res: Response | void) => string | undefined) =>
        measure('inbound', `${operation}${suffix}`, webhookRequest(echoed(event), target, `${webhookId}${suffix ? '_nr' : ''}`, at), note)
      const at = (seconds: number) => new Date(Date.UTC(2026, 4, 1, 9, 0, 0, seconds * 1000)).toISOString()
      // agents of their own in each run, so that each starts unknown
      const agent = botpressConversationId ? AGENT : { ...AGENT, id: `${AGENT.id}_nr` }
      const usersBeforeFirst = users()
      await send('agent message, first (agent unknown)', messageCreatedEvent(ticketId, 'hd_m1', agent, at(0)), 'wh_m1', undefined, () =>
        users() > usersBeforeFirst ? 'agent user created inside initializeIncomingMessage' : undefined
      )
      await send('agent message, steady state', messageCreatedEvent(ticketId, 'hd_m2', agent, at(0.5)), 'wh_m2')
      const renamed = { ...agent, name: 'Grace B. Hopper' }
      await send('agent message, agent renamed', messageCreatedEvent(ticketId, 'hd_m3', renamed, at(0.8)), 'wh_m3')
      await send('agent message, redelivered', messageCreatedEvent(ticketId, 'hd_m3', renamed, at(0.8)), 'wh_m3', new Date(Date.now() + 1000))

      nextTurn()
      await send('agent assigned', agentAssignedEvent(ticketId, 'evt_a1', renamed, at(1)), 'wh_a1')
      nextTurn()
      await send('agent assigned, redelivered', agentAssignedEvent(ticketId, 'evt_a1', renamed, at(1)), 'wh_a1', new Date(Date.now() + 1000))
      nextTurn()
      await send('agent assigned, same agent again', agentAssignedEvent(ticketId, 'evt_a1b', renamed, at(2)), 'wh_a1b')
      const other = { id: `agent_8${suffix ? '_nr' : ''}`, name: 'Alan Turing' }
      nextTurn()
      await send('agent assigned, another agent', agentAssignedEvent(ticketId, 'evt_a2', other, at(3)), 'wh_a2')
      nextTurn()
      await send(
        'agent assigned, first delivery redelivered after the reassignment',
        agentAssignedEvent(ticketId, 'evt_a1', renamed, at(1)),
        'wh_a1',
        new Date(Date.now() + 2000)
      )
      nextTurn()
      await send('agent assigned, an older event arriving late', agentAssignedEvent(ticketId, 'evt_a0', agent, at(0)), 'wh_a0')

      nextTurn()
      await send('conversation closed', conversationClosedEvent(ticketId, 'evt_c1'), 'wh_c1')
      await send('conversation closed, redelivered', conversationClosedEvent(ticketId, 'evt_c1'), 'wh_c1', new Date(Date.now() + 1000))
      await send('agent message after close', messageCreatedEvent(ticketId, 'hd_m4', agent, at(10)), 'wh_m4')
    }
    await inbound(ticketId, conversationId)
    await measure('inbound', 'event for an unknown conversation', webhookRequest(messageCreatedEvent('hd_nope', 'hd_m5'), target, 'wh_m5'))
    const unreferenced = outputOf<{ conversationId: string }>(
      await integration.handler(actionRequest('startHitl', { ...startInput, title: 'Without reference' }, target))
    )
    const unreferencedTicket = api.store.conversations(BOT_ID).find((c) => c.id === unreferenced.conversationId)?.tags.id
    if (!unreferencedTicket) throw new Error('startHitl left no helpdesk id on the conversation')
    await inbound(unreferencedTicket, undefined)

    // ----- stopHitl (the end user typed /end) on a second conversation
    const second = outputOf<{ conversationId: string }>(
      await integration.handler(actionRequest('startHitl', { ...startInput, title: 'Second' }, target))
    )
    await measure('action', 'stopHitl', actionRequest('stopHitl', { conversationId: second.conversationId }, target))
    await measure('action', 'stopHitl, redelivered', actionRequest('stopHitl', { conversationId: second.conversationId }, target))
    return rows
  } finally {
    if (previousUrl === undefined) delete process.env.BP_API_URL
    else process.env.BP_API_URL = previousUrl
    await api.close()
    await helpdesk.close()
  }
}
