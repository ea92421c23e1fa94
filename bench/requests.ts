import type { Request } from '@botpress/sdk'
import { signRequest } from '../contract/signature'

/*
 * Requests as Botpress Cloud sends them to `integration.handler`: the x-bp-* headers (operation, bot, integration,
 * base64 configuration) and the operation's JSON body. Built ahead of time, so that a measurement times the handler
 * only, not the signing or serializing done on the sender's side.
 */

export const BENCH_SECRET = `whsec_${Buffer.alloc(32, 11).toString('base64')}`
export const BENCH_TOKEN = 'tok_bench_5c1e'
export const INTEGRATION_ID = 'int_hitl_bench'

export type BenchConfig = { helpdeskUrl: string; apiToken: string; webhookSecret: string; requestTimeoutMs: number }

export const benchConfig = (helpdeskUrl: string): BenchConfig => ({
  helpdeskUrl,
  apiToken: BENCH_TOKEN,
  webhookSecret: BENCH_SECRET,
  requestTimeoutMs: 5000,
})

export type Target = { botId: string; config: BenchConfig }

const headersFor = (operation: string, target: Target): Record<string, string> => ({
  'x-bp-operation': operation,
  'x-bp-type': operation,
  'x-bot-id': target.botId,
  'x-bot-user-id': 'user_bot',
  'x-integration-id': INTEGRATION_ID,
  'x-integration-alias': 'hitl',
  'x-webhook-id': 'wh_hitl_bench',
  'x-bp-configuration': Buffer.from(JSON.stringify(target.config)).toString('base64'),
})

export const operationRequest = (operation: string, body: unknown, target: Target): Request => ({
  method: 'POST',
  path: '/',
  query: '',
  headers: headersFor(operation, target),
  body: JSON.stringify(body),
})

export const actionRequest = (type: string, input: unknown, target: Target): Request =>
  operationRequest('action_triggered', { type, input }, target)

/** A helpdesk webhook, signed over its exact raw body; `webhookId` is kept on a redelivery. */
export const webhookRequest = (event: unknown, target: Target, webhookId: string, at = new Date()): Request => {
  const raw = JSON.stringify(event)
  return operationRequest(
    'webhook_received',
    {
      req: {
        method: 'POST',
        path: '/',
        query: '',
        headers: {
          'content-type': 'application/json',
          ...signRequest(target.config.webhookSecret, webhookId, raw, at),
        },
        body: raw,
      },
    },
    target
  )
}

export type Agent = { id: string; name?: string; email?: string; pictureUrl?: string }

export const AGENT: Agent = { id: 'agent_7', name: 'Grace Hopper', email: 'grace@helpdesk.test', pictureUrl: 'https://x.test/grace.png' }

export const messageCreatedEvent = (conversationId: string, messageId: string, agent: Agent = AGENT, occurredAt?: string) => ({
  id: `evt_${messageId}`,
  ...(occurredAt ? { occurredAt } : {}),
  type: 'message.created',
  conversationId,
  agent,
  message: { id: messageId, type: 'text', payload: { text: `Agent says ${messageId}` } },
})

export const agentAssignedEvent = (conversationId: string, id: string, agent: Agent = AGENT, occurredAt?: string) => ({
  id,
  type: 'agent.assigned',
  conversationId,
  agent,
  ...(occurredAt ? { occurredAt } : {}),
})

export const conversationClosedEvent = (conversationId: string, id: string, reason?: string) => ({
  id,
  type: 'conversation.closed',
  conversationId,
  ...(reason ? { reason } : {}),
})

/** Payloads of the hitl channel's message types, as the plugin relays them (with the end user's id). */
export const OUTBOUND_PAYLOADS: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['text', { text: 'My parcel has not arrived' }],
  ['image', { imageUrl: 'https://x.test/parcel.png', title: 'Label' }],
  ['audio', { audioUrl: 'https://x.test/voice.mp3' }],
  ['video', { videoUrl: 'https://x.test/unboxing.mp4' }],
  ['file', { fileUrl: 'https://x.test/receipt.pdf', title: 'Receipt' }],
  [
    'bloc',
    {
      items: [
        { type: 'markdown', payload: { markdown: '**Order 1234**' } },
        { type: 'image', payload: { imageUrl: 'https://x.test/order.png' } },
      ],
    },
  ],
]

export type HitlConversation = { id: string; tags: Record<string, string> }

/** `message_created` for the hitl channel: Botpress relaying an end-user message into the helpdesk conversation. */
export const outboundRequest = (
  type: string,
  payload: Record<string, unknown>,
  conversation: HitlConversation,
  messageId: string,
  target: Target,
  endUserId = 'user_enduser'
): Request => {
  const now = new Date().toISOString()
  return operationRequest(
    'message_created',
    {
      type,
      payload: { ...payload, userId: endUserId },
      conversation: { id: conversation.id, channel: 'hitl', integration: 'hitl', tags: conversation.tags, createdAt: now, updatedAt: now },
      user: { id: endUserId, tags: {}, createdAt: now, updatedAt: now },
      message: {
        id: messageId,
        type,
        payload: { ...payload, userId: endUserId },
        direction: 'outgoing',
        userId: endUserId,
        conversationId: conversation.id,
        tags: {},
        createdAt: now,
        updatedAt: now,
      },
    },
    target
  )
}

export const historyFor = (endUserId: string) => [
  { source: { type: 'user', userId: endUserId }, type: 'text', payload: { text: 'Where is my parcel?' } },
  { source: { type: 'bot' }, type: 'text', payload: { text: 'Let me get a human for you.' } },
]
