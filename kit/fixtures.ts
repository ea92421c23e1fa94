import type {
  CloseConversationRequest,
  CreateConversationRequest,
  CreateMessageRequest,
  CreateUserRequest,
  HistoryEntry,
} from '../contract/helpdesk-api'
import type { Author, HistoryMessageType, MessagePayload, RelayedMessageType } from '../contract/messages'
import type { WebhookEvent } from '../contract/webhook-events'
import { renderText } from '../src/helpdesk/render-text'

/*
 * Valid requests of every kind the integration sends, built the way the integration builds them (the `text` of each
 * message is the integration's own rendering). The conformance checker sends them; the OpenAPI document shows them
 * as examples, and its test checks them against the document's schemas.
 */

export type Ids = { botpressUserId: string; botpressConversationId: string; helpdeskUserId: string }

const card: MessagePayload<'card'> = {
  title: 'Order #1234',
  subtitle: 'Shipped on March 3',
  imageUrl: 'https://example.com/parcel.png',
  actions: [
    { action: 'url', label: 'Track the parcel', value: 'https://example.com/track/1234' },
    { action: 'postback', label: 'Talk to an agent', value: 'agent' },
  ],
}

/** One valid payload of each message type a history may hold. */
export const samplePayloads: { [T in HistoryMessageType]: MessagePayload<T> } = {
  text: { text: 'Hello, my parcel has not arrived' },
  markdown: { markdown: 'Your order **#1234** was shipped on *March 3*.' },
  image: { imageUrl: 'https://example.com/receipt.png', title: 'Receipt' },
  audio: { audioUrl: 'https://example.com/voice-note.mp3', title: 'Voice note' },
  video: { videoUrl: 'https://example.com/unboxing.mp4' },
  file: { fileUrl: 'https://example.com/invoice.pdf', title: 'Invoice' },
  location: { latitude: 45.5017, longitude: -73.5673, address: '1 Main Street, Montreal', title: 'Delivery address' },
  card,
  carousel: { items: [card, { ...card, title: 'Order #1235', subtitle: 'Preparing' }] },
  choice: {
    text: 'What is your question about?',
    options: [
      { label: 'Delivery', value: 'delivery' },
      { label: 'Refund', value: 'refund' },
    ],
  },
  dropdown: {
    text: 'Which country do you live in?',
    options: [
      { label: 'Canada', value: 'CA' },
      { label: 'France', value: 'FR' },
    ],
  },
  bloc: {
    items: [
      { type: 'text', payload: { text: 'Here is what I found:' } },
      { type: 'markdown', payload: { markdown: '**Status:** in transit' } },
      { type: 'image', payload: { imageUrl: 'https://example.com/map.png', title: 'Map' } },
      { type: 'file', payload: { fileUrl: 'https://example.com/label.pdf' } },
    ],
  },
}

/** Who wrote each history entry: the end user for what an end user can send, the bot for the rest. */
const historyAuthors: Record<HistoryMessageType, 'user' | 'bot'> = {
  text: 'user',
  markdown: 'bot',
  image: 'user',
  audio: 'user',
  video: 'user',
  file: 'user',
  location: 'user',
  card: 'bot',
  carousel: 'bot',
  choice: 'bot',
  dropdown: 'bot',
  bloc: 'bot',
}

export const historyTypes = Object.keys(historyAuthors) as HistoryMessageType[]
export const relayedTypes: readonly RelayedMessageType[] = ['text', 'image', 'audio', 'video', 'file', 'bloc']

const authorOf = (kind: 'user' | 'bot', botpressUserId: string): Author =>
  kind === 'user' ? { type: 'user', botpressUserId } : { type: 'bot' }

/** A `{ type, payload, text }` message, `text` rendered as the integration renders it. */
const typed = <T extends HistoryMessageType>(type: T) => {
  const payload = samplePayloads[type]
  return { type, payload, text: renderText(type, payload) }
}

export const historyEntry = (type: HistoryMessageType, botpressUserId: string): HistoryEntry =>
  ({ author: authorOf(historyAuthors[type], botpressUserId), ...typed(type) }) as HistoryEntry

export const createUserRequest = (botpressUserId: string): CreateUserRequest => ({
  botpressUserId,
  name: 'Alex Martin',
  email: 'conformance@example.com',
  pictureUrl: 'https://example.com/avatar.png',
})

export const createConversationRequest = (ids: Ids): CreateConversationRequest => ({
  botpressConversationId: ids.botpressConversationId,
  reference: `${ids.botpressConversationId}.conformance`,
  userId: ids.helpdeskUserId,
  botpressUserId: ids.botpressUserId,
  title: 'Parcel not delivered',
  description: 'The end user asked for a human agent',
  session: { priority: 'high', tags: ['delivery'], queue: 'support', customFields: { orderId: '1234' } },
  messages: historyTypes.map((type) => historyEntry(type, ids.botpressUserId)),
  omittedMessages: 0,
})

/**
 * A `POST /conversations` as large as the contract allows: a history that fills its 512 KiB budget, and a description
 * that takes the body close to the 1 MiB request limit, as a long conversation and a long summary would.
 */
export const largeConversationRequest = (ids: Ids): CreateConversationRequest => {
  const line = (i: number): HistoryEntry => {
    const text = `Message ${i}: ${'the parcel has still not arrived, '.repeat(30)}`
    return { author: authorOf('user', ids.botpressUserId), type: 'text', payload: { text }, text } as HistoryEntry
  }
  const messages: HistoryEntry[] = []
  while (Buffer.byteLength(JSON.stringify([...messages, line(messages.length)])) <= 500 * 1024) messages.push(line(messages.length))
  return {
    ...createConversationRequest(ids),
    description: 'A long summary. '.repeat(29_000),
    messages,
    omittedMessages: 250,
  }
}

export type MessageCase = { name: string; request: CreateMessageRequest }

/** Every relayed type from the end user and from the bot; the bot's text carries `additionalData`. */
export const messageCases = (botpressUserId: string, messageId: (name: string) => string): MessageCase[] =>
  (['user', 'bot'] as const).flatMap((kind) =>
    relayedTypes.map((type) => {
      const name = `message-${type}-from-${kind}`
      const request = {
        botpressMessageId: messageId(name),
        author: authorOf(kind, botpressUserId),
        ...typed(type),
        ...(kind === 'bot' && type === 'text' ? { additionalData: '{"source":"conformance","intent":"delivery"}' } : {}),
      } as CreateMessageRequest
      return { name, request }
    })
  )

export const closeConversationRequest = (botpressConversationId: string): CloseConversationRequest => ({
  botpressConversationId,
})

/** Examples of the three webhook events. */
/** One event of each type about a conversation; `reference`: the one its POST /conversations carried, echoed. */
export const sampleEvents = (conversationId: string, reference?: string): WebhookEvent[] => [
  {
    id: 'evt_2Xq1',
    occurredAt: '2026-05-01T09:00:02.000Z',
    type: 'message.created',
    conversationId,
    ...(reference === undefined ? {} : { reference }),
    agent: { id: 'agent-42', name: 'Dana', email: 'dana@helpdesk.example.com', pictureUrl: 'https://example.com/dana.png' },
    message: { id: 'm-9001', type: 'text', payload: { text: 'Hi, I am Dana. Let me check your parcel.' } },
  },
  {
    id: 'evt_2Xq0',
    occurredAt: '2026-05-01T09:00:01.000Z',
    type: 'agent.assigned',
    conversationId,
    ...(reference === undefined ? {} : { reference }),
    agent: { id: 'agent-42', name: 'Dana' },
  },
  {
    id: 'evt_2Xq9',
    occurredAt: '2026-05-01T09:05:00.000Z',
    type: 'conversation.closed',
    conversationId,
    ...(reference === undefined ? {} : { reference }),
    reason: 'Solved',
  },
]
