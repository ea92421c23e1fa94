import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { TicketRequest } from '../../../src/helpdesks/helpdesk'
import { chatwootHelpdesk } from '../../../src/helpdesks/chatwoot/client'
import type { ChatwootConfig } from '../../../src/helpdesks/chatwoot/config'
import type { Helpdesk } from '../../../src/helpdesks/helpdesk'
import {
  ACCOUNT_ID,
  AGENTS,
  BOT_TOKEN,
  INBOX_ID,
  OUTSIDER_TOKEN,
  startChatwootDouble,
  USER_TOKEN,
  WIDGET_INBOX_ID,
  type ChatwootDouble,
} from './double'

let cw: ChatwootDouble
beforeAll(async () => {
  cw = await startChatwootDouble()
})
afterAll(() => cw.close())
beforeEach(() => {
  cw.pending.length = 0
})

const configFor = (overrides: Partial<ChatwootConfig> = {}): ChatwootConfig => ({
  chatwootUrl: cw.url,
  accountId: ACCOUNT_ID,
  inboxId: INBOX_ID,
  accessToken: USER_TOKEN,
  webhookSecret: 'unused-here',
  allowUnsignedWebhooks: false,
  requestTimeoutMs: 2000,
  historyLimit: 100,
  ...overrides,
})
const helpdesk = (overrides: Partial<ChatwootConfig> = {}): Helpdesk =>
  chatwootHelpdesk(configFor(overrides), { retry: { retries: 1, baseDelayMs: 10, budgetMs: 3000 } })

const failureOf = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  throw new Error('expected a failure')
}

let users = 0
const newUser = () => `user_01HCW${++users}`

const ticketRequest = (userId: string, extra: Partial<TicketRequest> = {}): TicketRequest => ({
  botpressConversationId: `conv_${userId}`,
  userId,
  botpressUserId: 'user_bp',
  title: 'Refund for order #1234',
  description: 'The customer wants a refund & an apology <now>',
  session: { priority: 'normal', tags: ['Billing', 'VIP customer'], queue: 'billing', customFields: { plan: 'pro' } },
  messages: [
    { author: { type: 'bot' }, type: 'text', payload: { text: 'Hi! How can I help?' }, text: 'Hi! How can I help?' },
    { author: { type: 'user', botpressUserId: 'user_bp' }, type: 'text', payload: { text: 'I want a refund' }, text: 'I want a refund' },
    {
      author: { type: 'user', botpressUserId: 'user_bp' },
      type: 'image',
      payload: { imageUrl: 'https://files.test/receipt.png' },
      text: 'image: https://files.test/receipt.png',
    },
  ],
  ...extra,
})

describe('Chatwoot client: checkConnection names what to fix', () => {
  it('accepts a user token and an API inbox', async () => {
    await helpdesk().checkConnection()
    expect(cw.requests.at(-1)).toMatchObject({ method: 'GET', path: `/api/v1/accounts/${ACCOUNT_ID}/inboxes/${INBOX_ID}`, token: USER_TOKEN })
  })

  it.each([
    [{ accessToken: 'nope' }, 'Chatwoot does not know this access token'],
    [{ accessToken: BOT_TOKEN }, "This is an agent bot's token"],
    [{ accessToken: OUTSIDER_TOKEN }, `not a member of Chatwoot account ${ACCOUNT_ID}`],
    [{ inboxId: 999 }, `Chatwoot has no inbox 999 in account ${ACCOUNT_ID}`],
    [{ accountId: 8 }, `Chatwoot has no inbox ${INBOX_ID} in account 8`],
    [{ inboxId: WIDGET_INBOX_ID }, 'is a WebWidget inbox: handoffs need an API inbox'],
  ] as const)('refuses %o', async (overrides, expected) => {
    const message = await failureOf(helpdesk(overrides).checkConnection())
    expect(message).toContain(expected)
    expect(message).not.toContain(USER_TOKEN)
    expect(message).not.toContain(BOT_TOKEN)
  })

  it('says when the answer is not Chatwoot\'s', async () => {
    cw.failNext('GET', /\/inboxes\/\d+$/, 200, { hello: 'this is not Chatwoot' })
    const message = await failureOf(helpdesk().checkConnection())
    expect(message).toContain('answered with an unexpected body')
    expect(message).toContain('check that the Chatwoot URL points at Chatwoot itself')
  })

  it('names the URL when Chatwoot cannot be reached', async () => {
    const message = await failureOf(helpdesk({ chatwootUrl: 'http://127.0.0.1:9' }).checkConnection())
    expect(message).toContain('Could not reach http://127.0.0.1:9')
  })
})

describe('Chatwoot client: contacts are found again, not duplicated', () => {
  it('creates a contact with the email, and finds it again by email', async () => {
    const first = await helpdesk().createContact({ botpressUserId: 'user_a', name: 'Ann', email: 'Ann@Example.com' })
    const again = await helpdesk().createContact({ botpressUserId: 'user_b', name: 'Ann', email: 'ann@example.com' })
    expect(again.id).toBe(first.id)
    expect(cw.contacts.filter((c) => c.email?.toLowerCase() === 'ann@example.com')).toHaveLength(1)
  })

  it('without email, identifies the contact by the Botpress user; a retry for the same user finds it', async () => {
    const first = await helpdesk().createContact({ botpressUserId: 'user_c', name: 'Carl', pictureUrl: 'https://p.test/c.png' })
    const retry = await helpdesk().createContact({ botpressUserId: 'user_c', name: 'Carl' })
    expect(retry.id).toBe(first.id)
    expect(cw.contacts.filter((c) => c.identifier === 'botpress:user_c')).toEqual([
      expect.objectContaining({ name: 'Carl', avatarUrl: 'https://p.test/c.png' }),
    ])
  })
})

describe('Chatwoot client: a lost answer duplicates nothing', () => {
  it('a contact created whose answer was lost is found again by the retry', async () => {
    cw.failNext('POST', /\/contacts$/, 502, { error: 'Bad Gateway' }, true)
    const contact = await helpdesk().createContact({ botpressUserId: 'user_lost', name: 'Lou' })
    expect(cw.contacts.filter((c) => c.identifier === 'botpress:user_lost')).toEqual([expect.objectContaining({ id: Number(contact.id) })])
  })

  it('a conversation is not posted twice: the call fails, and the retried startHitl finds what it opened', async () => {
    const { id: userId } = await helpdesk().createContact({ botpressUserId: newUser(), name: 'Max' })
    cw.failNext('POST', /\/conversations$/, 502, { error: 'Bad Gateway' }, true)
    const message = await failureOf(helpdesk().openTicket(ticketRequest(userId)))
    expect(message).toContain('POST /conversations failed with 502')
    const retried = await helpdesk().openTicket(ticketRequest(userId))
    const opened = cw.conversations.filter((c) => c.contactId === Number(userId))
    expect(opened.map((c) => String(c.displayId))).toEqual([retried.id])
    expect(opened[0]).toMatchObject({ priority: 'medium', labels: ['billing', 'vip-customer'] })
    expect(cw.messages.filter((m) => m.conversationId === opened[0]!.displayId)).toHaveLength(1)
  })
})

describe('Chatwoot client: an end-user message whose answer was lost', () => {
  const user = { type: 'user' as const, botpressUserId: 'user_bp' }
  const conversation = async () => {
    const { id: userId } = await helpdesk().createContact({ botpressUserId: newUser(), name: 'Nora' })
    return (await helpdesk().openTicket(ticketRequest(userId, { messages: [] }))).id
  }
  const posted = (id: string) => cw.messages.filter((m) => m.conversationId === Number(id) && m.content === 'Are you there?')

  it('is found by its source id instead of being posted twice', async () => {
    const id = await conversation()
    cw.failNext('POST', /\/messages$/, 502, { error: 'Bad Gateway' }, true)
    await helpdesk().addMessage(id, { botpressMessageId: 'msg_lost', author: user, type: 'text', payload: { text: 'Are you there?' }, text: 'Are you there?' })
    expect(posted(id)).toEqual([expect.objectContaining({ sourceId: 'botpress:msg_lost' })])
  })

  it('is posted again when it did not arrive', async () => {
    const id = await conversation()
    cw.failNext('POST', /\/messages$/, 503, { error: 'Service Unavailable' })
    await helpdesk().addMessage(id, { botpressMessageId: 'msg_retry', author: user, type: 'text', payload: { text: 'Are you there?' }, text: 'Are you there?' })
    expect(posted(id)).toHaveLength(1)
  })

  it('is not posted again after a refusal', async () => {
    const id = await conversation()
    cw.failNext('POST', /\/messages$/, 422, { error: 'Incoming messages are only allowed in Api inboxes' })
    const message = await failureOf(
      helpdesk().addMessage(id, { botpressMessageId: 'msg_no', author: user, type: 'text', payload: { text: 'Are you there?' }, text: 'Are you there?' })
    )
    expect(message).toContain('failed with 422')
    expect(posted(id)).toHaveLength(0)
  })
})

describe('Chatwoot client: a handoff is a conversation in the API inbox', () => {
  it('opens with the customer message holding title, description, routing and history, then priority and labels', async () => {
    const { id: userId } = await helpdesk().createContact({ botpressUserId: newUser(), name: 'Dana' })
    const { id } = await helpdesk().openTicket(ticketRequest(userId))
    const conversation = cw.conversations.find((c) => String(c.displayId) === id)!
    expect(conversation).toMatchObject({
      inboxId: INBOX_ID,
      contactId: Number(userId),
      status: 'open',
      priority: 'medium',
      labels: ['billing', 'vip-customer'],
      customAttributes: { plan: 'pro' },
      additionalAttributes: { botpress_conversation_id: `conv_${userId}`, title: 'Refund for order #1234' },
    })
    const [first, ...others] = cw.messages.filter((m) => m.conversationId === conversation.displayId)
    expect(others).toEqual([])
    expect(first).toMatchObject({ messageType: 0, private: false, sender: { kind: 'contact', id: Number(userId) } })
    expect(first!.content).toBe(
      [
        '**Refund for order #1234**',
        'The customer wants a refund & an apology <now>',
        'Priority: Normal · Queue: billing',
        'plan: pro',
        '',
        '---',
        '**Conversation with the bot so far**',
        '**Bot:** Hi! How can I help?',
        '**Customer:** I want a refund',
        '**Customer:** image: https://files.test/receipt.png',
      ].join('\n')
    )
  })

  it('a retried startHitl finds the conversation it opened instead of opening a second', async () => {
    const { id: userId } = await helpdesk().createContact({ botpressUserId: newUser(), name: 'Eve' })
    const first = await helpdesk().openTicket(ticketRequest(userId))
    const retry = await helpdesk().openTicket(ticketRequest(userId))
    expect(retry.id).toBe(first.id)
    expect(cw.conversations.filter((c) => c.contactId === Number(userId))).toHaveLength(1)
  })

  it('keeps the newest history lines when all would not fit in one message', async () => {
    const { id: userId } = await helpdesk().createContact({ botpressUserId: newUser(), name: 'Finn' })
    const long = 'x'.repeat(3_000)
    const messages = Array.from({ length: 60 }, (_, i) => ({
      author: { type: 'user' as const, botpressUserId: 'user_bp' },
      type: 'text' as const,
      payload: { text: `${i} ${long}` },
      text: `${i} ${long}`,
    }))
    const { id } = await helpdesk().openTicket(ticketRequest(userId, { messages, session: undefined }))
    const first = cw.messages.find((m) => m.conversationId === Number(id))!
    expect(first.content!.length).toBeLessThanOrEqual(100_000)
    expect(first.content).toMatch(/\(\d+ earlier messages left out\)/)
    expect(first.content).toContain(`**Customer:** 59 ${long}`)
  })

  it('fails with Chatwoot\'s words when the contact does not exist', async () => {
    const message = await failureOf(helpdesk().openTicket(ticketRequest('424242')))
    expect(message).toContain('GET /contacts/424242/conversations failed with 404')
    expect(message).toContain('Resource could not be found')
  })
})

describe('Chatwoot client: end-user messages, resolve, agent replies since a message', () => {
  const openConversation = async () => {
    const { id: userId } = await helpdesk().createContact({ botpressUserId: newUser(), name: 'Gus' })
    return (await helpdesk().openTicket(ticketRequest(userId, { messages: [] }))).id
  }

  it('posts every end-user message as the contact\'s incoming message; bot lines are marked', async () => {
    const id = await openConversation()
    const user = { type: 'user' as const, botpressUserId: 'user_bp' }
    await helpdesk().addMessage(id, { botpressMessageId: 'm1', author: user, type: 'text', payload: { text: 'hello' }, text: 'hello' })
    await helpdesk().addMessage(id, {
      botpressMessageId: 'm2',
      author: user,
      type: 'file',
      payload: { fileUrl: 'https://files.test/a.pdf', title: 'Invoice' },
      text: 'Invoice (file: https://files.test/a.pdf)',
    })
    await helpdesk().addMessage(id, { botpressMessageId: 'm3', author: { type: 'bot' }, type: 'text', payload: { text: 'One moment' }, text: 'One moment' })
    const stored = cw.messages.filter((m) => m.conversationId === Number(id)).slice(1)
    expect(stored.map((m) => [m.messageType, m.sender.kind, m.content])).toEqual([
      [0, 'contact', 'hello'],
      [0, 'contact', 'Invoice (file: https://files.test/a.pdf)'],
      [0, 'contact', '**Bot:** One moment'],
    ])
  })

  it('resolves the conversation; resolving again or a deleted conversation counts as done', async () => {
    const id = await openConversation()
    await helpdesk().closeTicket(id, { botpressConversationId: 'c' })
    expect(cw.conversations.find((c) => String(c.displayId) === id)!.status).toBe('resolved')
    await helpdesk().closeTicket(id, { botpressConversationId: 'c' })
    await helpdesk().closeTicket('98765', { botpressConversationId: 'c' })
  })

  it('reads back only human agents\' public replies after a message, attachments by their type', async () => {
    const id = await openConversation()
    const display = Number(id)
    const early = cw.reply(display, AGENTS.alice, { content: 'Early reply' })
    cw.reply(display, AGENTS.alice, { content: 'Internal: check the order', private: true })
    cw.botReply(display, 'I am a bot')
    cw.template(display, 'Rate us')
    cw.assign(display, AGENTS.bob)
    const withFiles = cw.reply(display, AGENTS.bob, {
      content: 'Here you go',
      attachments: [
        { file_type: 'image', url: 'https://cw.test/a.png' },
        { file_type: 'audio', url: 'https://cw.test/b.mp3' },
        { file_type: 'video', url: 'https://cw.test/c.mp4' },
        { file_type: 'file', url: 'https://cw.test/d.pdf' },
      ],
    })
    const [assigned, ...since] = await helpdesk().agentMessagesSince!(id, String(early.id))
    // the agent assigned now comes first, read with the messages
    expect(assigned).toMatchObject({ type: 'agent.assigned', conversationId: id, agent: { id: String(AGENTS.bob.id), name: 'Bob Stone' } })
    const [a1, a2, a3, a4] = withFiles.attachments
    expect(since.map((event) => event.type === 'message.created' && [event.message.id, event.message.type, event.message.payload, event.agent.name])).toEqual([
      [String(withFiles.id), 'text', { text: 'Here you go' }, 'Bob Stone'],
      [`${withFiles.id}:${a1!.id}`, 'image', { imageUrl: 'https://cw.test/a.png' }, 'Bob Stone'],
      [`${withFiles.id}:${a2!.id}`, 'audio', { audioUrl: 'https://cw.test/b.mp3' }, 'Bob Stone'],
      [`${withFiles.id}:${a3!.id}`, 'video', { videoUrl: 'https://cw.test/c.mp4' }, 'Bob Stone'],
      [`${withFiles.id}:${a4!.id}`, 'file', { fileUrl: 'https://cw.test/d.pdf' }, 'Bob Stone'],
    ])
    expect(since.every((event) => event.conversationId === id && event.agent.id === String(AGENTS.bob.id))).toBe(true)
    const all = await helpdesk().agentMessagesSince!(id, undefined)
    expect(all.map((event) => event.type === 'message.created' && event.message.id).slice(0, 2)).toEqual([false, String(early.id)])
    // a cursor that names an attachment reads after its message
    expect((await helpdesk().agentMessagesSince!(id, `${withFiles.id}:${a4!.id}`)).map((event) => event.type)).toEqual(['agent.assigned'])
    // nobody assigned: nothing to tell
    cw.assign(display, null)
    expect(await helpdesk().agentMessagesSince!(id, `${withFiles.id}:${a4!.id}`)).toEqual([])
  })

  it('pages through more than one answer of 100 messages', async () => {
    const id = await openConversation()
    for (let i = 0; i < 130; i++) cw.reply(Number(id), AGENTS.alice, { content: `reply ${i}` })
    const events = await helpdesk().agentMessagesSince!(id, undefined)
    expect(events.map((event) => event.type === 'message.created' && (event.message.payload as { text: string }).text)).toEqual(
      Array.from({ length: 130 }, (_, i) => `reply ${i}`)
    )
  })
})
