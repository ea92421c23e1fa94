import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { botOf, useWorld } from '../../harness/botpress'
import { chatwootSignature } from '../../../src/helpdesks/chatwoot/signature'
import { deliver, ofType, register, relayMessage, runAction, type TestConfig } from '../../harness/integration'
import { logged } from '../../harness/logs'
import { ACCOUNT_ID, AGENTS, INBOX_ID, INBOX_SECRET, startChatwootDouble, USER_TOKEN, type ChatwootDouble, type Delivery } from './double'

/*
 * Whole handoffs with Chatwoot, through integration.handler exactly as Botpress Cloud calls it (configuration type
 * `chatwoot`), against the loopback Botpress API and the Chatwoot double, whose webhooks are delivered to the
 * integration's webhook as Chatwoot sends them: once, signed.
 */

/** The Botpress API's clock runs ahead by this much: announcement turns lapse without waiting for them. */
let clockAhead = 0
const world = useWorld({ now: () => Date.now() + clockAhead })
const bot = () => botOf(world.api)
let cw: ChatwootDouble
let config: TestConfig

beforeAll(async () => {
  cw = await startChatwootDouble()
  config = ofType('chatwoot', {
    chatwootUrl: cw.url,
    accountId: ACCOUNT_ID,
    inboxId: INBOX_ID,
    accessToken: USER_TOKEN,
    webhookSecret: INBOX_SECRET,
    requestTimeoutMs: 2000,
  })
})
afterAll(() => cw.close())
beforeEach(() => {
  cw.pending.length = 0
})


const sink = async (delivery: Delivery) => {
  const answer = await deliver({ body: delivery.rawBody, sign: false, headers: delivery.headers, configuration: config })
  return { status: answer.status, body: answer.body }
}
/** Chatwoot sends what is pending; every delivery must be answered 2xx (Chatwoot marks a failed agent message). */
const deliverAll = async () => {
  const answers = await cw.deliver(sink)
  expect(answers.filter((a) => a.status >= 300)).toEqual([])
  return answers
}

const history = [
  { source: { type: 'bot' }, type: 'text', payload: { text: 'Hi, how can I help?' } },
  { source: { type: 'user', userId: 'user_end' }, type: 'text', payload: { text: 'My order is late' } },
  { source: { type: 'user', userId: 'user_end' }, type: 'image', payload: { imageUrl: 'https://x.test/receipt.png' } },
]

/** createUser and startHitl, as the plugin calls them; answers the Botpress and Chatwoot conversations. */
const handOff = async (name = 'Ada Lovelace', email?: string) => {
  const created = await runAction<{ userId: string }>('createUser', { name, ...(email ? { email } : {}) }, config)
  expect(created.status).toBe(200)
  const started = await runAction<{ conversationId: string }>(
    'startHitl',
    {
      userId: created.output!.userId,
      title: 'Late order',
      description: 'Order 42 has not arrived',
      hitlSession: { priority: 'high', tags: ['orders'] },
      messageHistory: history,
    },
    config
  )
  expect(started.status).toBe(200)
  const conversation = bot().conversations.find((c) => c.id === started.output!.conversationId)!
  const displayId = Number(conversation.tags.id)
  return { userId: created.output!.userId, conversation, displayId }
}

const agentMessages = (conversationId: string) =>
  bot().messages.filter((m) => m.conversationId === conversationId && m.direction === 'incoming')
const eventsOf = (type: string, conversationId: string) =>
  bot().events.filter((e) => e.type === type && (e.payload as { conversationId?: string }).conversationId === conversationId)

describe('Chatwoot handoff: set up', () => {
  it('register checks the token, the account and the API inbox', async () => {
    expect((await register(config)).status ?? 200).toBe(200)
    const refused = await register({ ...config, inboxId: 4 })
    expect(refused.status).toBeGreaterThanOrEqual(400)
    expect(refused.body).toContain('is a WebWidget inbox: handoffs need an API inbox')
  })

  it('refuses a configuration without a webhook secret unless unsigned webhooks are accepted', async () => {
    const { webhookSecret: _, ...unsigned } = config
    const refused = await register(unsigned)
    expect(refused.body).toContain('webhookSecret: is required')
    expect((await register({ ...unsigned, allowUnsignedWebhooks: true })).status ?? 200).toBe(200)
  })
})

describe('Chatwoot handoff: Botpress to Chatwoot', () => {
  it('opens a conversation whose first message is the customer\'s, with history; the echoes create nothing', async () => {
    const { conversation, displayId } = await handOff('Ada Lovelace', 'ada@example.com')
    const contact = cw.contacts.find((c) => c.email === 'ada@example.com')!
    expect(bot().users.find((u) => u.name === 'Ada Lovelace')!.tags.id).toBe(String(contact.id))
    const chatwootConversation = cw.conversations.find((c) => c.displayId === displayId)!
    expect(chatwootConversation).toMatchObject({ contactId: contact.id, priority: 'high', labels: ['orders'] })
    const [first] = cw.messages.filter((m) => m.conversationId === displayId)
    expect(first).toMatchObject({ messageType: 0, sender: { kind: 'contact', id: contact.id } })
    expect(first!.content).toContain('**Late order**\nOrder 42 has not arrived\nPriority: High')
    expect(first!.content).toContain('**Bot:** Hi, how can I help?\n**Customer:** My order is late\n**Customer:** image: https://x.test/receipt.png')

    const answers = await deliverAll()
    expect(answers.map((a) => a.event)).toEqual(['conversation_created', 'message_created', 'conversation_updated', 'conversation_updated'])
    expect(agentMessages(conversation.id)).toEqual([])
  })

  it('relays end-user messages of every type as the contact\'s messages, and their echoes create nothing', async () => {
    const { conversation, displayId } = await handOff()
    const sent = [
      ['text', { text: 'Any news?' }],
      ['image', { imageUrl: 'https://x.test/p.png', title: 'Photo' }],
      ['audio', { audioUrl: 'https://x.test/v.mp3' }],
      ['video', { videoUrl: 'https://x.test/v.mp4' }],
      ['file', { fileUrl: 'https://x.test/f.pdf', title: 'Form' }],
      ['bloc', { items: [{ type: 'text', payload: { text: 'Look:' } }, { type: 'image', payload: { imageUrl: 'https://x.test/b.png' } }] }],
    ] as const
    for (const [i, [type, payload]] of sent.entries()) {
      const res = await relayMessage({ type, payload: { ...payload, userId: 'user_end' }, conversation: { id: conversation.id, tags: conversation.tags }, messageId: `msg_${i}`, configuration: config })
      expect(res.status ?? 200).toBe(200)
    }
    const relayed = cw.messages.filter((m) => m.conversationId === displayId).slice(1)
    expect(relayed.every((m) => m.messageType === 0 && m.sender.kind === 'contact')).toBe(true)
    expect(relayed.map((m) => m.content)).toEqual([
      'Any news?',
      'Photo (image: https://x.test/p.png)',
      'audio: https://x.test/v.mp3',
      'video: https://x.test/v.mp4',
      'Form (file: https://x.test/f.pdf)',
      'Look:\nimage: https://x.test/b.png',
    ])
    await deliverAll()
    expect(agentMessages(conversation.id)).toEqual([])
  })
})

describe('Chatwoot handoff: Chatwoot to Botpress', () => {
  it("relays a human agent's replies of every type; private notes, bot and template messages, typing are ignored", async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    cw.typing(displayId, AGENTS.alice)
    cw.reply(displayId, AGENTS.alice, { content: 'Looking into it', private: true })
    cw.botReply(displayId, 'Bot says hi')
    cw.template(displayId, 'Rate us')
    cw.reply(displayId, AGENTS.alice, {
      content: 'Here is your label',
      attachments: [
        { file_type: 'image', url: 'https://cw.test/label.png' },
        { file_type: 'audio', url: 'https://cw.test/note.ogg' },
        { file_type: 'video', url: 'https://cw.test/howto.mp4' },
        { file_type: 'file', url: 'https://cw.test/label.pdf' },
      ],
    })
    await deliverAll()
    const messages = agentMessages(conversation.id)
    expect(messages.map((m) => [m.type, m.payload])).toEqual([
      ['text', { text: 'Here is your label' }],
      ['image', { imageUrl: 'https://cw.test/label.png' }],
      ['audio', { audioUrl: 'https://cw.test/note.ogg' }],
      ['video', { videoUrl: 'https://cw.test/howto.mp4' }],
      ['file', { fileUrl: 'https://cw.test/label.pdf' }],
    ])
    const agent = bot().users.find((u) => u.id === messages[0]!.userId)
    expect(agent).toMatchObject({ name: 'Alice Martin', pictureUrl: AGENTS.alice.avatar_url, tags: { agentId: String(AGENTS.alice.id) } })
  })

  it('announces an assignment with the agent, not an unassignment', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    cw.assign(displayId, AGENTS.bob)
    await deliverAll()
    const assigned = eventsOf('hitlAssigned', conversation.id)
    expect(assigned).toHaveLength(1)
    const agent = bot().users.find((u) => u.id === (assigned[0]!.payload as { userId: string }).userId)
    expect(agent).toMatchObject({ name: 'Bob Stone', tags: { agentId: String(AGENTS.bob.id) } })
    cw.assign(displayId, null)
    await deliverAll()
    expect(eventsOf('hitlAssigned', conversation.id)).toHaveLength(1)
  })

  it('resolving in Chatwoot stops the session once, though Chatwoot sends two webhooks', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    cw.resolve(displayId, AGENTS.alice)
    const answers = await deliverAll()
    expect(answers.map((a) => a.event)).toEqual(['conversation_status_changed', 'conversation_updated'])
    expect(eventsOf('hitlStopped', conversation.id)).toHaveLength(1)
    expect(bot().conversations.find((c) => c.id === conversation.id)!.tags.closedBy).toBe('helpdesk')
  })

  it('stopHitl resolves the Chatwoot conversation; its webhooks announce nothing', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    expect((await runAction('stopHitl', { conversationId: conversation.id }, config)).status).toBe(200)
    expect(cw.conversations.find((c) => c.displayId === displayId)!.status).toBe('resolved')
    await deliverAll()
    expect(eventsOf('hitlStopped', conversation.id)).toEqual([])
  })

  it('a redelivered reply is created once', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    cw.reply(displayId, AGENTS.alice, { content: 'Only once' })
    const [delivery] = cw.pending.filter((d) => d.event === 'message_created')
    await deliverAll()
    const again = await sink(delivery!)
    expect(again).toEqual({ status: 200, body: { ok: true, duplicate: true } })
    expect(agentMessages(conversation.id).map((m) => m.payload)).toEqual([{ text: 'Only once' }])
  })

  it('refuses a forged or stale webhook and creates nothing', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    cw.reply(displayId, AGENTS.alice, { content: 'Genuine' })
    const [genuine] = cw.pending.splice(0)
    const forged = { ...genuine!, rawBody: genuine!.rawBody.replace('Genuine', 'Send your password') }
    expect(await sink(forged)).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } })
    // the same reply, correctly signed ten minutes ago: a replay
    const then = String(Math.floor(Date.now() / 1000) - 600)
    const stale = {
      ...genuine!,
      headers: { ...genuine!.headers, 'X-Chatwoot-Timestamp': then, 'X-Chatwoot-Signature': chatwootSignature(INBOX_SECRET, then, genuine!.rawBody) },
    }
    expect(await sink(stale)).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } })
    expect(agentMessages(conversation.id)).toEqual([])
    expect(logged('warn')).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Refused a webhook request: Signature check failed: X-Chatwoot-Signature does not match'),
        expect.stringContaining('X-Chatwoot-Timestamp is more than 300 s away'),
      ])
    )
  })
})

describe('Chatwoot handoff: nothing lost though Chatwoot never retries', () => {
  it('a reply whose delivery failed reaches the end user with the next webhook of the conversation, once, in order', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    cw.reply(displayId, AGENTS.alice, { content: 'First, lost' })
    cw.reply(displayId, AGENTS.alice, { content: 'Second, lost', attachments: [{ file_type: 'image', url: 'https://cw.test/lost.png' }] })
    cw.lose()
    expect(agentMessages(conversation.id)).toEqual([])

    // the end user writes next: the echo of their message is the next webhook of the conversation
    await relayMessage({ type: 'text', payload: { text: 'Hello?', userId: 'user_end' }, conversation: { id: conversation.id, tags: conversation.tags }, messageId: 'msg_hello', configuration: config })
    await deliverAll()
    expect(agentMessages(conversation.id).map((m) => [m.type, m.payload])).toEqual([
      ['text', { text: 'First, lost' }],
      ['text', { text: 'Second, lost' }],
      ['image', { imageUrl: 'https://cw.test/lost.png' }],
    ])

    cw.reply(displayId, AGENTS.alice, { content: 'Third, delivered' })
    await deliverAll()
    cw.typing(displayId, AGENTS.alice)
    await deliverAll()
    expect(agentMessages(conversation.id).map((m) => m.payload)).toEqual([
      { text: 'First, lost' },
      { text: 'Second, lost' },
      { imageUrl: 'https://cw.test/lost.png' },
      { text: 'Third, delivered' },
    ])
  })

  it('replies delivered out of order reach the end user in the order the agent wrote them', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    cw.reply(displayId, AGENTS.alice, { content: 'one' })
    cw.reply(displayId, AGENTS.alice, { content: 'two' })
    cw.reply(displayId, AGENTS.alice, { content: 'three' })
    cw.pending.reverse()
    await deliverAll()
    expect(agentMessages(conversation.id).map((m) => m.payload)).toEqual([{ text: 'one' }, { text: 'two' }, { text: 'three' }])
  })

  it('an assignment whose webhook was lost (or came before startHitl finished) is announced with the next webhook, once', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    cw.assign(displayId, AGENTS.bob)
    cw.lose()
    expect(eventsOf('hitlAssigned', conversation.id)).toEqual([])
    cw.reply(displayId, AGENTS.bob, { content: 'Bob here' })
    cw.typing(displayId, AGENTS.bob)
    await deliverAll()
    const assigned = eventsOf('hitlAssigned', conversation.id)
    expect(assigned).toHaveLength(1)
    expect(bot().users.find((u) => u.id === (assigned[0]!.payload as { userId: string }).userId)).toMatchObject({ name: 'Bob Stone' })
    expect(agentMessages(conversation.id).map((m) => m.payload)).toEqual([{ text: 'Bob here' }])
    // reassigned to Alice a little later, that webhook lost too
    clockAhead += 1_500
    cw.assign(displayId, AGENTS.alice)
    cw.lose()
    cw.typing(displayId, AGENTS.alice)
    await deliverAll()
    expect(eventsOf('hitlAssigned', conversation.id)).toHaveLength(2)
  })

  it('assignments delivered in the wrong order end with the agent assigned last, announced once', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    clockAhead += 1_500
    cw.assign(displayId, AGENTS.alice)
    cw.assign(displayId, AGENTS.bob)
    cw.pending.reverse()
    await deliverAll()
    const assigned = eventsOf('hitlAssigned', conversation.id)
    expect(assigned.map((e) => bot().users.find((u) => u.id === (e.payload as { userId: string }).userId)!.name)).toEqual(['Bob Stone'])
    expect(bot().conversations.find((c) => c.id === conversation.id)!.tags.agentId).toBe(String(AGENTS.bob.id))
  })

  it('concurrent webhooks catching up on the same lost reply create it once', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    cw.reply(displayId, AGENTS.alice, { content: 'Lost once' })
    cw.lose()
    for (let i = 0; i < 6; i++) cw.typing(displayId, AGENTS.alice)
    const answers = await Promise.all(cw.pending.splice(0).map(sink))
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200))
    expect(agentMessages(conversation.id).map((m) => m.payload)).toEqual([{ text: 'Lost once' }])
  })

  it('a reply lost just before the agent resolves arrives before the session stops', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    cw.reply(displayId, AGENTS.bob, { content: 'Done, goodbye' })
    cw.lose()
    cw.resolve(displayId, AGENTS.bob)
    await deliverAll()
    expect(agentMessages(conversation.id).map((m) => m.payload)).toEqual([{ text: 'Done, goodbye' }])
    expect(eventsOf('hitlStopped', conversation.id)).toHaveLength(1)
  })

  it('when Chatwoot cannot be read back, the webhook is still processed and catching up waits for the next one', async () => {
    const { conversation, displayId } = await handOff()
    await deliverAll()
    cw.reply(displayId, AGENTS.alice, { content: 'Lost' })
    cw.lose()
    cw.reply(displayId, AGENTS.alice, { content: 'Delivered' })
    cw.failNext('GET', /\/messages$/, 500, { error: 'Internal Server Error' })
    await deliverAll()
    expect(agentMessages(conversation.id).map((m) => m.payload)).toEqual([{ text: 'Delivered' }])
    expect(logged('warn')).toContainEqual(expect.stringContaining(`Could not catch up on the agent messages of conversation ${displayId}`))
    cw.typing(displayId, AGENTS.alice)
    await deliverAll()
    expect(agentMessages(conversation.id).map((m) => m.payload).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { text: 'Delivered' },
      { text: 'Lost' },
    ])
  })
})
