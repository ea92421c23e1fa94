import { afterEach, describe, expect, it } from 'vitest'
import { startFakeHelpdesk, type FakeHelpdesk } from '../../kit/fake-helpdesk/fake-helpdesk'
import { referenceFor } from '../../contract/reference'
import { signRequest } from '../../contract/signature'
import { webhookEventSchema } from '../../contract/webhook-events'
import { contractWebhookDecoder } from '../../src/helpdesks/contract/decode-webhook'

/*
 * The fake helpdesk's cheap mode, which the bench's throughput runs stand on: every call of the contract answered at
 * once for any conversation id and without a signature, a repeated webhook-id answered with its first answer, the
 * calls counted per operation and not recorded.
 */

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`

let helpdesk: FakeHelpdesk | undefined

afterEach(async () => {
  await helpdesk?.close()
  helpdesk = undefined
})

const post = async (url: string, webhookId: string) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': webhookId }, body: '{}' })
  return { status: res.status, body: (await res.json()) as unknown }
}

describe('fake helpdesk, cheap mode', () => {
  it('answers unsigned calls for unknown conversations, repeats the first answer and only counts the calls', async () => {
    helpdesk = await startFakeHelpdesk({ secret: SECRET, cheap: true })
    const first = await post(`${helpdesk.url}/conversations/never-created/messages`, 'wh_1')
    const again = await post(`${helpdesk.url}/conversations/never-created/messages`, 'wh_1')
    const other = await post(`${helpdesk.url}/conversations/never-created/messages`, 'wh_2')
    const close = await post(`${helpdesk.url}/conversations/never-created/close`, 'wh_3')

    expect(first.status).toBe(201)
    expect(again).toEqual(first)
    expect(other.body).not.toEqual(first.body)
    expect(close).toEqual({ status: 200, body: { ok: true } })
    expect(helpdesk.counts).toEqual({ 'POST /conversations/{id}/messages': 3, 'POST /conversations/{id}/close': 1 })
    expect(helpdesk.calls).toEqual([])

    helpdesk.resetCalls()
    expect(helpdesk.counts).toEqual({})
  })

  it('checks signatures and records calls when not cheap', async () => {
    helpdesk = await startFakeHelpdesk({ secret: SECRET })
    const answer = await post(`${helpdesk.url}/conversations/never-created/messages`, 'wh_1')
    expect(answer.status).toBe(401)
    expect(helpdesk.calls.map((c) => [c.operation, c.signed, c.status])).toEqual([['POST /conversations/{id}/messages', false, 401]])
  })
})

/*
 * The events the fake helpdesk sends about a ticket echo the `reference` its POST /conversations carried, unless it is
 * switched to a helpdesk that does not echo it; the integration's decoder then names the Botpress conversation, or not.
 */

let calls = 0
const signedPost = async (url: string, body: unknown) => {
  const raw = JSON.stringify(body)
  const headers = { 'content-type': 'application/json', ...signRequest(SECRET, `wh_${++calls}`, raw) }
  const res = await fetch(url, { method: 'POST', headers, body: raw })
  return (await res.json()) as { id: string }
}

const openTicket = async (fake: FakeHelpdesk, botpressConversationId: string) => {
  const { id: userId } = await signedPost(`${fake.url}/users`, { botpressUserId: 'bpu_1', name: 'Ada' })
  const reference = referenceFor(SECRET, botpressConversationId)
  const body = { botpressConversationId, reference, userId, botpressUserId: 'bpu_1', messages: [] }
  const { id } = await signedPost(`${fake.url}/conversations`, body)
  return { ticketId: id, reference }
}

const agent = { id: 'agent-1', name: 'Sam' }
const eventsAbout = (ticketId: string) => [
  { id: 'evt_1', type: 'message.created' as const, conversationId: ticketId, agent, message: { id: 'm1', type: 'text', payload: { text: 'Hi' } } },
  { id: 'evt_2', type: 'agent.assigned' as const, conversationId: ticketId, agent },
  { id: 'evt_3', type: 'conversation.closed' as const, conversationId: ticketId, reason: 'solved' },
]

const decode = (event: unknown) => {
  const raw = JSON.stringify(event)
  return contractWebhookDecoder(SECRET)({ method: 'POST', rawBody: raw, headers: signRequest(SECRET, 'wh_event', raw) })
}

describe('fake helpdesk, reference echo', () => {
  it('echoes the reference of POST /conversations in every event about that ticket, and only that ticket', async () => {
    helpdesk = await startFakeHelpdesk({ secret: SECRET })
    const { ticketId, reference } = await openTicket(helpdesk, 'conv_1')
    expect(helpdesk.state.tickets).toEqual([expect.objectContaining({ id: ticketId, reference })])

    for (const event of eventsAbout(ticketId)) {
      const sent = helpdesk.asSent(event)
      expect(sent).toEqual({ ...event, reference })
      expect(webhookEventSchema.parse(sent)).toEqual(sent)
      expect(decode(sent)).toMatchObject({ ok: true, botpressConversationId: 'conv_1' })
    }
    const [unknown] = eventsAbout('hd_conv/unknown')
    expect(helpdesk.asSent(unknown!)).toEqual(unknown)
  })

  it('keeps the reference but sends none with echoReference: false, and the event then names no Botpress conversation', async () => {
    helpdesk = await startFakeHelpdesk({ secret: SECRET, echoReference: false })
    const { ticketId, reference } = await openTicket(helpdesk, 'conv_2')
    expect(helpdesk.state.tickets[0]?.reference).toBe(reference)

    for (const event of eventsAbout(ticketId)) {
      const sent = helpdesk.asSent(event)
      expect(sent).toEqual(event)
      expect('reference' in sent).toBe(false)
      const decoded = decode(sent)
      expect(decoded.ok).toBe(true)
      expect(decoded).not.toHaveProperty('botpressConversationId')
    }
  })
})
