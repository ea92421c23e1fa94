import { describe, expect, it } from 'vitest'
import { useSkippedWaits } from './harness/clock'
import { useWorld } from './harness/botpress'
import { assertSigned, expectHelpdeskCall } from './harness/helpdesk'
import { relayMessage } from './harness/integration'
import { logged } from './harness/logs'

const world = useWorld()
useSkippedWaits()
const conversation = { id: 'conv_downstream', tags: { id: 'hd_conv_1' } }

const cases = [
  ['text', { text: 'Where is my order?' }, 'Where is my order?'],
  ['image', { imageUrl: 'https://x.test/p.png', title: 'Photo' }, 'Photo (image: https://x.test/p.png)'],
  ['audio', { audioUrl: 'https://x.test/v.mp3' }, 'audio: https://x.test/v.mp3'],
  ['video', { videoUrl: 'https://x.test/v.mp4', title: 'Unboxing' }, 'Unboxing (video: https://x.test/v.mp4)'],
  ['file', { fileUrl: 'https://x.test/f.pdf', title: 'Invoice' }, 'Invoice (file: https://x.test/f.pdf)'],
  [
    'bloc',
    { items: [{ type: 'text', payload: { text: 'See:' } }, { type: 'file', payload: { fileUrl: 'https://x.test/g.pdf' } }] },
    'See:\nfile: https://x.test/g.pdf',
  ],
] as const

describe('hitl channel: end-user and bot messages go to the helpdesk', () => {
  it.each(cases)('relays %s from the end user with one signed helpdesk call and no Botpress call', async (type, payload, text) => {
    const calls = expectHelpdeskCall('POST', '/conversations/hd_conv_1/messages', [201, { id: 'hd_msg_1' }])
    const res = await relayMessage({
      type,
      payload: { ...payload, userId: 'user_end', additionalData: '{"locale":"fr"}' },
      conversation,
      messageId: `msg_${type}`,
    })
    expect(res.status ?? 200).toBe(200)
    expect(calls).toHaveLength(1)
    assertSigned(calls[0]!)
    expect(calls[0]!.headers['webhook-id']).toBe(`message-msg_${type}`)
    expect(calls[0]!.body).toEqual({
      botpressMessageId: `msg_${type}`,
      author: { type: 'user', botpressUserId: 'user_end' },
      type,
      payload,
      text,
      additionalData: '{"locale":"fr"}',
    })
    expect(world.api.calls).toEqual([])
    expect(logged()).toEqual([])
  })

  it('marks a message without userId as written by the bot, with no additionalData key', async () => {
    const calls = expectHelpdeskCall('POST', '/conversations/hd_conv_1/messages', [200, {}])
    await relayMessage({ type: 'text', payload: { text: 'A human will answer shortly' }, conversation })
    expect(calls[0]!.body).toEqual({
      botpressMessageId: 'msg_outbound_1',
      author: { type: 'bot' },
      type: 'text',
      payload: { text: 'A human will answer shortly' },
      text: 'A human will answer shortly',
    })
  })

  it.each([[{ id: '..' }], [{ id: { nested: true } }], ['not json']])(
    'does not need the message id the helpdesk answers: %j still delivers the message',
    async (answer) => {
      expectHelpdeskCall('POST', '/conversations/hd_conv_1/messages', [201, answer])
      const res = await relayMessage({ type: 'text', payload: { text: 'hi', userId: 'user_end' }, conversation })
      expect(res.status ?? 200).toBe(200)
      expect(world.api.calls).toEqual([])
    }
  )

  it('encodes the helpdesk conversation id in the path', async () => {
    const calls = expectHelpdeskCall('POST', '/conversations/a%2Fb%20c/messages', [200])
    await relayMessage({ type: 'text', payload: { text: 'hi' }, conversation: { id: 'c', tags: { id: 'a/b c' } } })
    expect(calls).toHaveLength(1)
  })

  it.each(['.', '..', 'hd\u007fconv'])('never relays to a conversation id of %j, which would change the path', async (id) => {
    const res = await relayMessage({ type: 'text', payload: { text: 'hi' }, conversation: { id: 'c', tags: { id } } })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.body).toContain('Helpdesk call POST /conversations/{id}/messages was not sent: The helpdesk id')
  })

  it('fails clearly for a conversation that startHitl did not open', async () => {
    const res = await relayMessage({ type: 'text', payload: { text: 'hi' }, conversation: { id: 'conv_x', tags: {} } })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.body).toContain('conv_x has no helpdesk id')
    expect(logged('error')).toEqual([expect.stringContaining('conv_x has no helpdesk id')])
  })

  it('surfaces a helpdesk refusal as an error naming the call', async () => {
    expectHelpdeskCall('POST', '/conversations/hd_conv_1/messages', [409, { error: { message: 'ticket is closed' } }])
    const res = await relayMessage({ type: 'text', payload: { text: 'hi' }, conversation })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.body).toContain('POST /conversations/hd_conv_1/messages failed with 409')
    expect(res.body).toContain('ticket is closed')
    expect(logged('error')).toEqual([expect.stringContaining('failed with 409 Conflict: ticket is closed')])
  })
})
