import { describe, expect, it } from 'vitest'
import { referenceFor } from '../../contract/reference'
import { LEASE_MS } from '../../src/webhook/turn'
import { deliver, testConfig } from '../harness/integration'
import { openConversation } from '../harness/seed'
import {
  agent,
  announcements,
  assigned,
  closed,
  drive,
  elapse,
  expectAnswer,
  referenced,
  send,
  snapshot,
  useFakeClock,
  useWebhookWorld,
} from '../harness/webhook-world'

/*
 * The conversation's reference, echoed by the helpdesk: it names the Botpress conversation of an assignment or a
 * close without a lookup; one that does not verify is ignored; one of another conversation changes nothing.
 */
const world = useWebhookWorld()
const lookups = () => world.api.callsTo('listConversations').length

describe("the conversation's reference", () => {
  it('a reference that does not verify is ignored: the conversation is found by its id', async () => {
    useFakeClock()
    const { id } = await openConversation(world.api)
    const otherSecret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`
    const forged = [
      { ...assigned(), reference: referenceFor(otherSecret, id) }, // another installation's, or an earlier secret's
      { ...assigned(), reference: `${id}.AAAAAAAAAAAAAAAAAAAAAA` }, // altered
      { ...assigned(), reference: id }, // no MAC at all
    ]
    for (const [index, body] of forged.entries()) {
      world.api.resetCalls()
      expectAnswer(await drive(send(body, `wh_forged_${index}`)), 200, { ok: true })
      expect(lookups()).toBe(1)
      await elapse(LEASE_MS)
    }
    expect(announcements(world.api)).toEqual(['assigned:agent_7'])
  })

  it("another installation's reference never reaches its conversation", async () => {
    useFakeClock()
    const configB = { ...testConfig, webhookSecret: `whsec_${Buffer.alloc(32, 9).toString('base64')}` }
    await openConversation(world.api, { id: 'hd_conv_1' }, 'hitl')
    const conversationB = await openConversation(world.api, { id: 'hd_conv_b' }, 'hitl-b')
    // helpdesk A echoes B's reference (made with B's secret) on an event for its own ticket
    const body = { ...closed(), reference: referenceFor(configB.webhookSecret, conversationB.id) }
    expectAnswer(await drive(send(body, 'wh_close_a')), 200, { ok: true })
    const stopped = snapshot(world.api).events.filter((e) => e.type === 'hitlStopped')
    expect(stopped).toHaveLength(1)
    expect(stopped[0]!.conversationId).not.toBe(conversationB.id)
    // B is untouched: its own close is announced
    const closeB = { ...closed(), conversationId: 'hd_conv_b', reference: referenceFor(configB.webhookSecret, conversationB.id) }
    const answerB = await drive(
      deliver({ body: closeB, sign: { id: 'wh_close_b', secret: configB.webhookSecret }, configuration: configB, alias: 'hitl-b' })
    )
    expectAnswer(answerB, 200, { ok: true })
  })

  it("the reference of another of the helpdesk's conversations is refused 422 and changes nothing", async () => {
    useFakeClock()
    await openConversation(world.api, { id: 'hd_conv_1' })
    const other = await openConversation(world.api, { id: 'hd_conv_2' })
    const mixedUp = (body: object) => ({ ...body, reference: referenceFor(testConfig.webhookSecret as string, other.id) })

    expectAnswer(await drive(send(mixedUp(assigned()), 'wh_a1')), 422, { error: { code: 'reference_mismatch' } })
    expectAnswer(await drive(send(mixedUp(closed()), 'wh_c1')), 422, { error: { code: 'reference_mismatch' } })
    expect(announcements(world.api)).toEqual([])
    const tagsOf = (helpdeskId: string) => snapshot(world.api).conversations.find((c) => c.tags.id === helpdeskId)!.tags
    expect(tagsOf('hd_conv_2').closedBy ?? '').toBe('')
    expect(tagsOf('hd_conv_2').agentUserId).toBeUndefined()

    // both conversations still take their own events
    await elapse(LEASE_MS)
    expectAnswer(await drive(send(referenced({ ...closed(), conversationId: 'hd_conv_2' }, other.id), 'wh_c2')), 200, { ok: true })
    expectAnswer(await drive(send(assigned(agent), 'wh_a2')), 200, { ok: true })
    expect(announcements(world.api)).toEqual(['stopped', 'assigned:agent_7'])
  })

  it('the reference of a closed conversation, echoed for an open one, is refused 422: nothing is lost', async () => {
    useFakeClock()
    await openConversation(world.api, { id: 'hd_conv_1' })
    const other = await openConversation(world.api, { id: 'hd_conv_2' })
    expectAnswer(await drive(send(referenced({ ...closed(), conversationId: 'hd_conv_2' }, other.id), 'wh_c2')), 200, { ok: true })
    const mixedUp = (body: object) => ({ ...body, reference: referenceFor(testConfig.webhookSecret as string, other.id) })
    // the kept turn of hd_conv_2 must not answer for hd_conv_1 (a duplicate or a 409 would end the helpdesk's retries)
    expectAnswer(await drive(send(mixedUp(closed()), 'wh_c1')), 422, { error: { code: 'reference_mismatch' } })
    expectAnswer(await drive(send(mixedUp(assigned()), 'wh_a1')), 422, { error: { code: 'reference_mismatch' } })
    expectAnswer(await drive(send(closed(), 'wh_c1')), 200, { ok: true })
    expect(announcements(world.api)).toEqual(['stopped', 'stopped'])
  })

  it('a reference whose ticket is not linked yet is answered 404, as an unknown conversation', async () => {
    useFakeClock()
    // startHitl has created the conversation but not yet recorded the ticket's id
    const pending = await openConversation(world.api, { pendingFor: 'user_1:key' })
    expectAnswer(await drive(send(referenced(assigned(), pending.id), 'wh_early')), 404, { error: { code: 'unknown_conversation' } })
    expect(announcements(world.api)).toEqual([])
  })
})
