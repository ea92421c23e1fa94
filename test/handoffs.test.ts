import { beforeEach, afterEach, describe, expect, it } from 'vitest'
import { useWorld } from './harness/botpress'
import { useSkippedWaits } from './harness/clock'
import { startFakeHelpdesk, type FakeHelpdesk } from '../kit/fake-helpdesk/fake-helpdesk'
import { relayMessage, runAction, TEST_SECRET, TEST_TOKEN, testConfig } from './harness/integration'
import { botClient, snapshot } from './harness/reliability'

/*
 * startHitl against a helpdesk that keeps the contract (idempotent by webhook-id) on a real loopback socket: a retry
 * of the same request opens one ticket, any other request its own, and a webhook-id never carries two bodies.
 */

const world = useWorld()
useSkippedWaits()

let helpdesk: FakeHelpdesk
let config: Record<string, unknown>
let userId = ''
beforeEach(async () => {
  helpdesk = await startFakeHelpdesk({ secret: TEST_SECRET, token: TEST_TOKEN })
  config = { ...testConfig, helpdeskUrl: helpdesk.url, requestTimeoutMs: 1000 }
  helpdesk.state.users.push({ id: 'hd_user_1', botpressUserId: 'pending', name: 'Ada' })
  const { user } = await botClient(world.api).createUser({ name: 'Ada', tags: { id: 'hd_user_1' } })
  userId = user.id
})
afterEach(() => helpdesk.close())

const history = (...texts: string[]) => texts.map((text) => ({ source: { type: 'user', userId: 'u' }, type: 'text', payload: { text } }))
const start = (title: string, messages = history('I need help')) =>
  runAction<{ conversationId: string }>('startHitl', { userId, title, messageHistory: messages }, config)
const ticketRequests = () => helpdesk.callsTo('POST', '/conversations')
const titleOf = (call: { body: unknown }) => (call.body as { title?: string }).title

/** Every webhook-id the helpdesk saw came with one body only. */
const expectOneBodyPerWebhookId = () => {
  const bodies = new Map<string, Set<string>>()
  for (const call of helpdesk.calls) bodies.set(call.webhookId, (bodies.get(call.webhookId) ?? new Set()).add(JSON.stringify(call.body)))
  for (const [webhookId, set] of bodies) expect(set.size, `webhook-id ${webhookId} carried ${set.size} bodies`).toBe(1)
}

describe('a new handoff never lands in an old ticket', () => {
  it('after an unknown outcome and the agent closing that ticket, another request opens a new ticket that gets its messages', async () => {
    // the helpdesk opens the ticket, then its answer is lost (503 with a Retry-After beyond the budget)
    helpdesk.setPlan(({ path, attempt }) =>
      path === '/conversations' && attempt === 1 ? { kind: 'status', status: 503, headers: { 'retry-after': '120' }, when: 'after' } : undefined
    )
    const failed = await start('Late order')
    expect(failed.error).toContain('POST /conversations failed with 503')
    expect(helpdesk.state.tickets).toHaveLength(1)
    helpdesk.state.tickets[0]!.closed = true // the agent closes it
    helpdesk.setPlan(undefined)

    const again = await start('Refund', history('I need help', 'Actually, a refund'))
    expect(again.status).toBe(200)
    const [first, second] = ticketRequests()
    expect(second!.webhookId).not.toBe(first!.webhookId)
    expect(titleOf(second!)).toBe('Refund')
    expect((second!.body as { messages: Array<{ text: string }> }).messages.map((m) => m.text)).toEqual(['I need help', 'Actually, a refund'])
    const ticket = helpdesk.state.tickets[1]!
    expect(ticket).toMatchObject({ closed: false, botpressConversationId: again.output!.conversationId })
    const conversation = snapshot(world.api).conversations.find((c) => c.id === again.output!.conversationId)!
    expect(conversation.tags.id).toBe(ticket.id)

    const relayed = await relayMessage({
      type: 'text',
      payload: { text: 'Any news?', userId },
      conversation: { id: conversation.id, tags: { id: conversation.tags.id! } },
      messageId: 'msg_after',
      configuration: config,
    })
    expect(relayed.status ?? 200).toBe(200)
    expect(helpdesk.state.messages).toEqual([expect.objectContaining({ ticketId: ticket.id, botpressMessageId: 'msg_after' })])
    expectOneBodyPerWebhookId()
  })

  it('a retry of the same request after an unknown outcome reaches the same ticket, with the same webhook-id and body', async () => {
    helpdesk.setPlan(({ path, attempt }) =>
      path === '/conversations' && attempt === 1 ? { kind: 'status', status: 503, headers: { 'retry-after': '120' }, when: 'after' } : undefined
    )
    expect((await start('Late order')).status).toBeGreaterThanOrEqual(400)
    const retried = await start('Late order')
    expect(retried.status).toBe(200)
    expect(helpdesk.state.tickets).toHaveLength(1)
    expect(new Set(ticketRequests().map((c) => c.webhookId)).size).toBe(1)
    expectOneBodyPerWebhookId()
  })

  it('two concurrent handoffs of one user each get their own conversation and ticket', async () => {
    const [a, b] = await Promise.all([start('Order 1'), start('Order 2')])
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(a.output!.conversationId).not.toBe(b.output!.conversationId)
    expect(helpdesk.state.tickets).toHaveLength(2)
    const tagged = snapshot(world.api).conversations.map((c) => c.tags.id).sort()
    expect(tagged).toEqual(helpdesk.state.tickets.map((t) => t.id).sort())
    expect(ticketRequests().map(titleOf).sort()).toEqual(['Order 1', 'Order 2'])
    expectOneBodyPerWebhookId()
  })

  it('two concurrent identical requests are one handoff: one conversation, one ticket', async () => {
    const [a, b] = await Promise.all([start('Same'), start('Same')])
    expect([a.status, b.status]).toEqual([200, 200])
    expect(a.output!.conversationId).toBe(b.output!.conversationId)
    expect(helpdesk.state.tickets).toHaveLength(1)
    expectOneBodyPerWebhookId()
  })

  it('a refusal lets its conversation go without deleting it', async () => {
    helpdesk.setPlan(({ path }) => (path === '/conversations' ? { kind: 'status', status: 422, body: { message: 'no such queue' } } : undefined))
    const refused = await start('Queue test')
    expect(refused.error).toContain('failed with 422')
    expect(snapshot(world.api).conversations).toEqual([expect.objectContaining({ tags: {} })])
  })
})
