import { createHmac, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/*
 * A Chatwoot double on 127.0.0.1: the Application API routes the integration calls, with Chatwoot's answers and error
 * bodies, and the API inbox webhooks Chatwoot sends for what happens (messages, assignment, status, typing), signed
 * as Chatwoot 4.13+ signs them and JSON-encoded as Rails encodes it. Written from Chatwoot's source (see
 * docs/helpdesks/chatwoot.md); what agents do in the dashboard is driven by the methods `reply`, `assign`, `resolve`...
 * Webhooks wait in `pending` until a test delivers them (`deliver`) or loses them (`lose`): Chatwoot never retries.
 */

export const ACCOUNT_ID = 7
export const INBOX_ID = 3
export const WIDGET_INBOX_ID = 4
export const USER_TOKEN = 'cw_user_token_9f8e7d6c5b4a'
export const BOT_TOKEN = 'cw_bot_token_1a2b3c4d'
export const OUTSIDER_TOKEN = 'cw_outsider_token_55aa'
export const INBOX_SECRET = 'inbox-signing-secret-3b9f1c'
export const API_USER = { id: 1, name: 'Botpress Integration', email: 'integration@example.com' }
export const AGENTS = {
  alice: { id: 11, name: 'Alice Martin', email: 'alice@example.com', avatar_url: 'https://chatwoot.test/avatars/alice.png' },
  bob: { id: 12, name: 'Bob Stone', email: 'bob@example.com', avatar_url: '' },
} as const
export const AGENT_BOT = { id: 21, name: 'FAQ bot' }

type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined }
type Agent = { id: number; name: string; email: string; avatar_url: string }

type Attachment = { id: number; file_type: 'image' | 'audio' | 'video' | 'file' | 'location'; data_url: string; extension: string | null }
type Sender = { kind: 'contact'; id: number } | { kind: 'user'; id: number } | { kind: 'agent_bot'; id: number } | { kind: 'none' }
type Message = {
  id: number
  sourceId?: string | null
  conversationId: number
  content: string | null
  messageType: 0 | 1 | 2 | 3
  private: boolean
  sender: Sender
  attachments: Attachment[]
  createdAt: Date
}
type Contact = { id: number; name: string; email: string | null; identifier: string | null; avatarUrl: string | null }
type Conversation = {
  displayId: number
  inboxId: number
  contactId: number
  status: 'open' | 'resolved' | 'pending' | 'snoozed'
  priority: 'low' | 'medium' | 'high' | 'urgent' | null
  labels: string[]
  customAttributes: Record<string, Json>
  additionalAttributes: Record<string, Json>
  assignee: { kind: 'user' | 'agent_bot'; id: number } | null
  createdAt: Date
  updatedAt: Date
}

export type Delivery = { event: string; headers: Record<string, string>; rawBody: string }
export type Sink = (delivery: Delivery) => Promise<{ status: number; body: unknown }>

const MESSAGE_TYPES = ['incoming', 'outgoing', 'activity', 'template'] as const

/** JSON as Rails encodes it: ActiveSupport escapes <, >, & and the two JavaScript line separators. */
export const railsJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

const iso = (date: Date) => date.toISOString()
const seconds = (date: Date) => Math.floor(date.getTime() / 1000)

export type ChatwootDoubleOptions = {
  /** Chatwoot before 4.13: webhooks carry no signature, timestamp or delivery id. */
  unsigned?: boolean
  secret?: string
  /** The webhook clock (seconds); defaults to now. */
  clock?: () => number
}

export const startChatwootDouble = async (options: ChatwootDoubleOptions = {}) => {
  let nextMessageId = 900
  let nextContactId = 40
  let nextAttachmentId = 300
  let nextDisplayId = 100
  const contacts: Contact[] = []
  const conversations: Conversation[] = []
  const messages: Message[] = []
  const pending: Delivery[] = []
  const requests: Array<{ method: string; path: string; body: unknown; token: string | undefined }> = []
  const agents: Record<number, Agent> = Object.fromEntries(
    [API_USER, ...Object.values(AGENTS)].map((agent) => [agent.id, { avatar_url: '', ...agent }])
  )
  let failNext: Array<{ method: string; path: RegExp; status: number; body: unknown; afterProcessing: boolean }> = []

  const inboxes: Record<number, { id: number; name: string; channel_type: string }> = {
    [INBOX_ID]: { id: INBOX_ID, name: 'Botpress handoffs', channel_type: 'Channel::Api' },
    [WIDGET_INBOX_ID]: { id: WIDGET_INBOX_ID, name: 'Website', channel_type: 'Channel::WebWidget' },
  }

  // --- JSON shapes, as Chatwoot's views and webhook_data build them --------------------------------------------------

  const contactJson = (contact: Contact) => ({
    additional_attributes: {},
    availability_status: 'offline',
    email: contact.email,
    id: contact.id,
    name: contact.name,
    phone_number: null,
    identifier: contact.identifier,
    thumbnail: contact.avatarUrl ?? '',
    custom_attributes: {},
    created_at: seconds(new Date()),
    last_activity_at: null,
  })
  const contactWebhookJson = (contact: Contact) => ({
    account: { id: ACCOUNT_ID, name: 'Acme' },
    additional_attributes: {},
    avatar: contact.avatarUrl ?? '',
    custom_attributes: {},
    email: contact.email,
    id: contact.id,
    identifier: contact.identifier,
    name: contact.name,
    phone_number: null,
    thumbnail: contact.avatarUrl ?? '',
    type: 'contact',
  })
  const userPushJson = (agent: Agent) => ({
    id: agent.id,
    name: agent.name,
    available_name: agent.name,
    avatar_url: agent.avatar_url,
    type: 'user',
    availability_status: 'online',
    thumbnail: agent.avatar_url,
  })
  const userWebhookJson = (agent: Agent) => ({ id: agent.id, name: agent.name, email: agent.email, type: 'user' })
  const botJson = () => ({ id: AGENT_BOT.id, name: AGENT_BOT.name, avatar_url: '', type: 'agent_bot' })
  const attachmentJson = (message: Message, attachment: Attachment) => ({
    id: attachment.id,
    message_id: message.id,
    file_type: attachment.file_type,
    account_id: ACCOUNT_ID,
    extension: attachment.extension,
    data_url: attachment.data_url,
    thumb_url: attachment.file_type === 'image' ? `${attachment.data_url}?thumb=1` : '',
    file_size: 1024,
    width: null,
    height: null,
  })
  const contactOf = (id: number) => contacts.find((contact) => contact.id === id)!

  const restMessageJson = (message: Message) => {
    const json: Record<string, unknown> = {
      id: message.id,
      content: message.content,
      inbox_id: conversationOf(message.conversationId).inboxId,
      conversation_id: message.conversationId,
      message_type: message.messageType,
      content_type: 'text',
      status: 'sent',
      content_attributes: {},
      created_at: seconds(message.createdAt),
      private: message.private,
      source_id: message.sourceId ?? null,
    }
    const { sender } = message
    if (sender.kind === 'user') json.sender = userPushJson(agents[sender.id]!)
    if (sender.kind === 'contact') json.sender = { ...contactJson(contactOf(sender.id)), type: 'contact' }
    if (sender.kind === 'agent_bot') json.sender = botJson()
    if (message.attachments.length) json.attachments = message.attachments.map((a) => attachmentJson(message, a))
    return json
  }

  const conversationJson = (conversation: Conversation) => {
    const last = [...messages]
      .reverse()
      .find((m) => m.conversationId === conversation.displayId && m.messageType !== 2 && !m.private)
    const contact = contactOf(conversation.contactId)
    const assignee =
      conversation.assignee?.kind === 'user'
        ? userPushJson(agents[conversation.assignee.id]!)
        : conversation.assignee?.kind === 'agent_bot'
          ? botJson()
          : null
    return {
      additional_attributes: conversation.additionalAttributes,
      can_reply: true,
      channel: inboxes[conversation.inboxId]!.channel_type,
      contact_inbox: { id: conversation.displayId + 5000, contact_id: contact.id, inbox_id: conversation.inboxId, source_id: randomUUID() },
      id: conversation.displayId,
      inbox_id: conversation.inboxId,
      messages: last ? [restMessageJson(last)] : [],
      labels: conversation.labels,
      meta: {
        sender: { ...contactJson(contact), type: 'contact' },
        assignee,
        assignee_type: conversation.assignee ? (conversation.assignee.kind === 'user' ? 'User' : 'AgentBot') : null,
        team: null,
        hmac_verified: false,
      },
      status: conversation.status,
      custom_attributes: conversation.customAttributes,
      snoozed_until: null,
      unread_count: 0,
      first_reply_created_at: null,
      priority: conversation.priority,
      waiting_since: seconds(conversation.createdAt),
      agent_last_seen_at: 0,
      contact_last_seen_at: 0,
      last_activity_at: seconds(conversation.updatedAt),
      timestamp: seconds(conversation.updatedAt),
      created_at: seconds(conversation.createdAt),
      updated_at: conversation.updatedAt.getTime() / 1000,
    }
  }

  const messageWebhookJson = (message: Message, event: string) => {
    const conversation = conversationOf(message.conversationId)
    const { sender } = message
    const json: Record<string, unknown> = {
      account: { id: ACCOUNT_ID, name: 'Acme' },
      additional_attributes: {},
      content_attributes: {},
      content_type: 'text',
      content: message.content,
      conversation: conversationJson(conversation),
      created_at: iso(message.createdAt),
      id: message.id,
      inbox: { id: conversation.inboxId, name: inboxes[conversation.inboxId]!.name },
      message_type: MESSAGE_TYPES[message.messageType],
      private: message.private,
      sender:
        sender.kind === 'user'
          ? userWebhookJson(agents[sender.id]!)
          : sender.kind === 'contact'
            ? contactWebhookJson(contactOf(sender.id))
            : sender.kind === 'agent_bot'
              ? { id: AGENT_BOT.id, name: AGENT_BOT.name, type: 'agent_bot' }
              : null,
      source_id: message.sourceId ?? null,
      event,
    }
    if (message.attachments.length) json.attachments = message.attachments.map((a) => attachmentJson(message, a))
    return json
  }

  // --- webhooks ------------------------------------------------------------------------------------------------------

  const now = () => options.clock?.() ?? Math.floor(Date.now() / 1000)
  const secret = options.secret ?? INBOX_SECRET

  const enqueue = (payload: Record<string, unknown>) => {
    const rawBody = railsJson(payload)
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' }
    if (!options.unsigned) {
      const timestamp = String(now())
      headers['X-Chatwoot-Delivery'] = randomUUID()
      headers['X-Chatwoot-Timestamp'] = timestamp
      headers['X-Chatwoot-Signature'] = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`
    }
    pending.push({ event: String(payload.event), headers, rawBody })
  }

  /** Chatwoot sends message_created for incoming, outgoing and template messages (`webhook_sendable?`), private or not. */
  const messageCreated = (message: Message) => {
    if (message.messageType === 2) return
    enqueue(messageWebhookJson(message, 'message_created'))
  }

  const changed = (changes: Record<string, [unknown, unknown]>) =>
    Object.entries(changes).map(([key, [previous, current]]) => ({ [key]: { previous_value: previous, current_value: current } }))

  const updateConversation = (conversation: Conversation, changes: Record<string, [unknown, unknown]>) => {
    const before = conversation.updatedAt
    conversation.updatedAt = new Date(Math.max(Date.now(), before.getTime() + 1))
    const all = { ...changes, updated_at: [iso(before), iso(conversation.updatedAt)] as [unknown, unknown] }
    if ('status' in changes) {
      enqueue({ ...conversationJson(conversation), event: 'conversation_status_changed', changed_attributes: changed({ status: changes.status! }) })
    }
    enqueue({ ...conversationJson(conversation), event: 'conversation_updated', changed_attributes: changed(all) })
  }

  const conversationOf = (displayId: number) => conversations.find((c) => c.displayId === displayId)!

  const addMessage = (conversation: Conversation, fields: Omit<Message, 'id' | 'conversationId' | 'createdAt'>) => {
    const message: Message = { ...fields, id: ++nextMessageId, conversationId: conversation.displayId, createdAt: new Date() }
    messages.push(message)
    messageCreated(message)
    return message
  }

  const activity = (conversation: Conversation, content: string) =>
    addMessage(conversation, { content, messageType: 2, private: false, sender: { kind: 'none' }, attachments: [] })

  // --- HTTP ----------------------------------------------------------------------------------------------------------

  const notFound = { error: 'Resource could not be found' }

  const route = (method: string, path: string, query: URLSearchParams, body: Record<string, unknown>, token: string | undefined) => {
    const prefix = `/api/v1/accounts/${ACCOUNT_ID}`
    const accountMatch = /^\/api\/v1\/accounts\/(\d+)(\/.*)$/.exec(path)
    if (!accountMatch) return [404, { error: 'Not found' }] as const
    if (token !== USER_TOKEN && token !== BOT_TOKEN && token !== OUTSIDER_TOKEN) return [401, { error: 'Invalid Access Token' }] as const
    if (Number(accountMatch[1]) !== ACCOUNT_ID) return [404, notFound] as const
    if (token === OUTSIDER_TOKEN) return [401, { error: 'You are not authorized to access this account' }] as const
    const rest = path.slice(prefix.length)
    const botAllowed = /^\/conversations(\/\d+\/(toggle_status|toggle_priority|messages|custom_attributes|assignments))?$/.test(rest)
    if (token === BOT_TOKEN && !(botAllowed && method === 'POST')) {
      return [401, { error: 'Access to this endpoint is not authorized for bots' }] as const
    }

    let m: RegExpExecArray | null
    if (method === 'GET' && (m = /^\/inboxes\/(\d+)$/.exec(rest))) {
      const inbox = inboxes[Number(m[1])]
      if (!inbox) return [404, notFound] as const
      return [200, { ...inbox, avatar_url: '', channel_id: inbox.id, greeting_enabled: false, working_hours_enabled: false, webhook_url: 'https://webhook.botpress.test/wh', allow_messages_after_resolved: true, lock_to_single_conversation: false }] as const
    }
    if (method === 'GET' && rest === '/contacts/search') {
      const q = query.get('q')?.trim()
      if (!q) return [422, { error: 'Specify search string with parameter q' }] as const
      const lower = q.toLowerCase()
      const found = contacts.filter(
        (c) => c.name.toLowerCase().includes(lower) || c.email?.toLowerCase().includes(lower) || c.identifier?.includes(q)
      )
      return [200, { meta: { count: found.length, current_page: '1' }, payload: found.slice(0, 15).map(contactJson) }] as const
    }
    if (method === 'POST' && rest === '/contacts') {
      const email = typeof body.email === 'string' ? body.email : null
      const identifier = typeof body.identifier === 'string' ? body.identifier : null
      const taken = [
        email && contacts.some((c) => c.email?.toLowerCase() === email.toLowerCase()) ? 'email' : undefined,
        identifier && contacts.some((c) => c.identifier === identifier) ? 'identifier' : undefined,
      ].filter((a): a is string => !!a)
      if (taken.length) {
        return [422, { message: taken.map((a) => `${a[0]!.toUpperCase()}${a.slice(1)} has already been taken`).join(', '), attributes: taken }] as const
      }
      const contact: Contact = {
        id: ++nextContactId,
        name: String(body.name ?? 'little-haze-776'),
        email,
        identifier,
        avatarUrl: typeof body.avatar_url === 'string' ? body.avatar_url : null,
      }
      contacts.push(contact)
      return [200, { payload: { contact: contactJson(contact), contact_inbox: { inbox: null, source_id: null } } }] as const
    }
    if (method === 'GET' && (m = /^\/contacts\/(\d+)\/conversations$/.exec(rest))) {
      const id = Number(m[1])
      if (!contacts.some((c) => c.id === id)) return [404, notFound] as const
      return [200, { payload: conversations.filter((c) => c.contactId === id).map(conversationJson) }] as const
    }
    if (method === 'POST' && rest === '/conversations') {
      const inbox = inboxes[Number(body.inbox_id)]
      const contact = contacts.find((c) => c.id === Number(body.contact_id))
      if (!inbox || !contact) return [404, notFound] as const
      const created = new Date()
      const conversation: Conversation = {
        displayId: ++nextDisplayId,
        inboxId: inbox.id,
        contactId: contact.id,
        status: (body.status as Conversation['status']) ?? 'open',
        priority: null,
        labels: [],
        customAttributes: (body.custom_attributes as Record<string, Json>) ?? {},
        additionalAttributes: (body.additional_attributes as Record<string, Json>) ?? {},
        assignee: null,
        createdAt: created,
        updatedAt: created,
      }
      conversations.push(conversation)
      enqueue({ ...conversationJson(conversation), event: 'conversation_created' })
      const initial = body.message as { content?: string; message_type?: string } | undefined
      if (initial) {
        // Chatwoot's default for the initial message is outgoing, from the token's user
        const incoming = initial.message_type === 'incoming'
        addMessage(conversation, {
          content: initial.content ?? null,
          messageType: incoming ? 0 : 1,
          private: false,
          sender: incoming ? { kind: 'contact', id: contact.id } : { kind: 'user', id: API_USER.id },
          attachments: [],
        })
      }
      return [200, conversationJson(conversation)] as const
    }
    if ((m = /^\/conversations\/(\d+)(\/.*)?$/.exec(rest))) {
      const conversation = conversations.find((c) => c.displayId === Number(m![1]))
      if (!conversation) return [404, notFound] as const
      const action = m[2] ?? ''
      if (method === 'POST' && action === '/messages') {
        const incoming = body.message_type === 'incoming'
        if (incoming && inboxes[conversation.inboxId]!.channel_type !== 'Channel::Api') {
          return [422, { error: 'Incoming messages are only allowed in Api inboxes' }] as const
        }
        const message = addMessage(conversation, {
          content: typeof body.content === 'string' ? body.content : null,
          messageType: incoming ? 0 : 1,
          private: body.private === true,
          sender: incoming ? { kind: 'contact', id: conversation.contactId } : token === BOT_TOKEN ? { kind: 'agent_bot', id: AGENT_BOT.id } : { kind: 'user', id: API_USER.id },
          attachments: [],
          sourceId: typeof body.source_id === 'string' ? body.source_id : null,
        })
        return [200, restMessageJson(message)] as const
      }
      if (method === 'GET' && action === '/messages') {
        const of = messages.filter((message) => message.conversationId === conversation.displayId)
        const after = query.get('after')
        const page = after ? of.filter((message) => message.id > Number(after)).slice(0, 100) : of.slice(-20)
        // `assignee` is the conversation's User assignee only (an agent bot is another association), absent when none
        const assignee = conversation.assignee?.kind === 'user' ? { assignee: userPushJson(agents[conversation.assignee.id]!) } : {}
        return [200, { meta: { labels: conversation.labels, additional_attributes: conversation.additionalAttributes, contact: contactJson(contactOf(conversation.contactId)), ...assignee, agent_last_seen_at: null, assignee_last_seen_at: null }, payload: page.map(restMessageJson) }] as const
      }
      if (method === 'POST' && action === '/toggle_status') {
        const status = (body.status as Conversation['status'] | undefined) ?? (conversation.status === 'open' ? 'resolved' : 'open')
        if (status !== conversation.status) {
          const previous = conversation.status
          conversation.status = status
          updateConversation(conversation, { status: [previous, status] })
          activity(conversation, `Conversation was marked ${status} by ${API_USER.name}`)
        }
        return [200, { meta: {}, payload: { success: true, conversation_id: conversation.displayId, current_status: conversation.status, snoozed_until: null } }] as const
      }
      if (method === 'POST' && action === '/toggle_priority') {
        const priority = (body.priority as Conversation['priority']) || null
        if (priority !== conversation.priority) {
          const previous = conversation.priority
          conversation.priority = priority
          updateConversation(conversation, { priority: [previous, priority] })
        }
        return [200, ''] as const
      }
      if (method === 'POST' && action === '/labels') {
        const labels = (body.labels as string[]) ?? []
        const previous = conversation.labels
        conversation.labels = [...labels]
        updateConversation(conversation, { label_list: [previous, labels] })
        return [200, { payload: conversation.labels }] as const
      }
    }
    return [404, { error: 'Not found' }] as const
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const raw = Buffer.concat(chunks).toString('utf8')
      let body: Record<string, unknown> = {}
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {}
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(railsJson({ error: 'Invalid JSON' }))
        return
      }
      const token = req.headers.api_access_token as string | undefined
      requests.push({ method: req.method ?? 'GET', path: url.pathname, body: raw ? body : undefined, token })
      const fault = failNext.find((f) => f.method === req.method && f.path.test(url.pathname))
      if (fault) {
        failNext = failNext.filter((f) => f !== fault)
        // a request that did its work but whose answer was lost (a proxy's 502, a timeout) changes state all the same
        if (fault.afterProcessing) route(req.method ?? 'GET', url.pathname, url.searchParams, body, token)
        res.writeHead(fault.status, { 'content-type': 'application/json; charset=utf-8' }).end(railsJson(fault.body))
        return
      }
      const [status, answer] = route(req.method ?? 'GET', url.pathname, url.searchParams, body, token)
      if (answer === '') {
        res.writeHead(status).end()
        return
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(railsJson(answer))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  const agentConversation = (displayId: number) => {
    const conversation = conversations.find((c) => c.displayId === displayId)
    if (!conversation) throw new Error(`no conversation ${displayId} in the Chatwoot double`)
    return conversation
  }

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    pending,
    contacts,
    conversations,
    messages,
    /** The next call matching method and path answers this status and body instead (after doing its work, if asked). */
    failNext: (method: string, path: RegExp, status: number, body: unknown, afterProcessing = false) =>
      failNext.push({ method, path, status, body, afterProcessing }),

    // what agents do in the dashboard
    reply: (displayId: number, agent: Agent, fields: { content?: string; attachments?: Array<{ file_type: Attachment['file_type']; url: string }>; private?: boolean }) =>
      addMessage(agentConversation(displayId), {
        content: fields.content ?? null,
        messageType: 1,
        private: fields.private ?? false,
        sender: { kind: 'user', id: agent.id },
        attachments: (fields.attachments ?? []).map((a) => ({
          id: ++nextAttachmentId,
          file_type: a.file_type,
          data_url: a.url,
          extension: a.url.split('.').pop() ?? null,
        })),
      }),
    botReply: (displayId: number, content: string) =>
      addMessage(agentConversation(displayId), { content, messageType: 1, private: false, sender: { kind: 'agent_bot', id: AGENT_BOT.id }, attachments: [] }),
    template: (displayId: number, content: string) =>
      addMessage(agentConversation(displayId), { content, messageType: 3, private: false, sender: { kind: 'none' }, attachments: [] }),
    assign: (displayId: number, agent: Agent | null) => {
      const conversation = agentConversation(displayId)
      const previous = conversation.assignee?.kind === 'user' ? conversation.assignee.id : null
      conversation.assignee = agent ? { kind: 'user', id: agent.id } : null
      updateConversation(conversation, { assignee_id: [previous, agent?.id ?? null] })
      activity(conversation, agent ? `Assigned to ${agent.name} by ${agent.name}` : 'Conversation unassigned')
    },
    assignBot: (displayId: number) => {
      const conversation = agentConversation(displayId)
      conversation.assignee = { kind: 'agent_bot', id: AGENT_BOT.id }
      updateConversation(conversation, { assignee_agent_bot_id: [null, AGENT_BOT.id] })
    },
    resolve: (displayId: number, agent: Agent) => {
      const conversation = agentConversation(displayId)
      const previous = conversation.status
      conversation.status = 'resolved'
      updateConversation(conversation, { status: [previous, 'resolved'] })
      activity(conversation, `Conversation was marked resolved by ${agent.name}`)
    },
    typing: (displayId: number, agent: Agent) =>
      enqueue({ event: 'conversation_typing_on', user: userWebhookJson(agent), conversation: conversationJson(agentConversation(displayId)), is_private: false }),

    /** Sends the pending webhooks, in order, as Chatwoot does (once, no retry); answers are returned in order. */
    deliver: async (sink: Sink) => {
      const answers: Array<{ event: string; status: number; body: unknown }> = []
      for (const delivery of pending.splice(0, pending.length)) {
        answers.push({ event: delivery.event, ...(await sink(delivery)) })
      }
      return answers
    },
    /** The pending webhooks are lost (Botpress unreachable, a timeout): Chatwoot does not send them again. */
    lose: (which: (delivery: Delivery) => boolean = () => true) => {
      const kept = pending.filter((delivery) => !which(delivery))
      pending.splice(0, pending.length, ...kept)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type ChatwootDouble = Awaited<ReturnType<typeof startChatwootDouble>>
