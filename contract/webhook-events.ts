import { z } from '@botpress/sdk'
import { relayedMessageTypes, typedMessageSchema } from './messages'

/* The events a helpdesk POSTs to the integration's webhook URL, one per request. */

const helpdeskId = z.string().min(1).max(200)

export const agentSchema = z
  .object({
    id: helpdeskId.describe("The helpdesk's agent id; the same agent must always have the same id"),
    name: z.string().optional().describe('Name shown to the end user'),
    email: z.string().optional().describe('Email of the agent'),
    pictureUrl: z
      .string()
      .regex(/^https?:\/\//i, 'must be an http(s) URL')
      .optional()
      .describe('Avatar URL shown to the end user; http(s) only'),
  })
  .describe('The human agent')

const eventBase = {
  id: helpdeskId
    .optional()
    .describe('Your event id, for logs; deliveries are told apart by the `webhook-id` header, not by this id'),
  occurredAt: z
    .string()
    .datetime({ offset: true })
    .optional()
    .describe(
      'When the change happened in the helpdesk (ISO 8601). With it, an event that occurred before the state it would change (a late redelivery) changes nothing'
    ),
  conversationId: helpdeskId.describe("The helpdesk's conversation (ticket) id, as answered to `POST /conversations`"),
  reference: z
    .string()
    .max(200)
    .optional()
    .describe(
      'The `reference` the integration sent in `POST /conversations`, echoed exactly. Optional: with it, an `agent.assigned` or `conversation.closed` costs the integration one Botpress call less'
    ),
}

export const messageCreatedEventSchema = z.object({
  ...eventBase,
  type: z.literal('message.created'),
  agent: agentSchema,
  message: typedMessageSchema(relayedMessageTypes, { id: helpdeskId.describe("The helpdesk's message id") }).describe(
    'The agent message; `payload` is the Botpress payload of `type`'
  ),
})

export const agentAssignedEventSchema = z.object({
  ...eventBase,
  type: z.literal('agent.assigned'),
  agent: agentSchema,
})

export const conversationClosedEventSchema = z.object({
  ...eventBase,
  type: z.literal('conversation.closed'),
  reason: z
    .string()
    .optional()
    .describe(
      'Why the conversation was closed, in words for the end user: when an agent is assigned, it reaches the end user as that agent\'s last message'
    ),
})

export const webhookEventSchema = z.discriminatedUnion('type', [
  messageCreatedEventSchema,
  agentAssignedEventSchema,
  conversationClosedEventSchema,
])

/** The event types, read from the union so that a new event cannot be left out. */
export const webhookEventTypes = webhookEventSchema.options.map((option) => option.shape.type.value)

export const webhookOkAnswerSchema = z.object({
  ok: z.literal(true),
  duplicate: z.literal(true).optional().describe('Present when the event had already been processed'),
})

export const webhookErrorAnswerSchema = z.object({
  error: z.object({
    code: z.string().describe('Machine-readable error code'),
    message: z.string().describe('What went wrong and how to fix it'),
    issues: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('The fields that failed validation'),
  }),
})

export type Agent = z.infer<typeof agentSchema>
export type WebhookEvent = z.infer<typeof webhookEventSchema>
export type MessageCreatedEvent = z.infer<typeof messageCreatedEventSchema>
export type AgentAssignedEvent = z.infer<typeof agentAssignedEventSchema>
export type ConversationClosedEvent = z.infer<typeof conversationClosedEventSchema>
export type WebhookOkAnswer = z.infer<typeof webhookOkAnswerSchema>
export type WebhookErrorAnswer = z.infer<typeof webhookErrorAnswerSchema>
