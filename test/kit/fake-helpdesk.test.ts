import { afterEach, describe, expect, it } from 'vitest'
import { startFakeHelpdesk, type FakeHelpdesk } from '../../kit/fake-helpdesk/fake-helpdesk'

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
