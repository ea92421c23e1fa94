import { z } from '@botpress/sdk'
import { helpdeskIdSchema as helpdeskId } from './helpdesk-id'
import { authorSchema, historyMessageTypes, relayedMessageTypes, typedMessageSchema } from './messages'

/*
 * The REST calls the integration makes to the helpdesk. These schemas are the contract: the integration builds
 * its requests with them, validates the helpdesk's answers with them, and the OpenAPI document is generated from them.
 */

/** Largest request body (UTF-8 JSON) the integration sends and a helpdesk must accept: 1 MiB. */
export const MAX_REQUEST_BYTES = 1024 * 1024

/**
 * Byte budget of the history in `POST /conversations` (its `messages` as UTF-8 JSON): 512 KiB, half of the request
 * limit, so that title, description and session fields have room. The oldest entries are left out first.
 */
export const HISTORY_BUDGET_BYTES = 512 * 1024

/** Largest answer body (after decompression) the integration reads: 1 MiB. */
export const MAX_ANSWER_BYTES = 1024 * 1024

const plainText = z
  .string()
  .describe('Plain-text rendering of the message (a caption and URL for media, the options of a choice, ...)')

export const sessionSchema = z
  .object({
    priority: z.enum(['low', 'normal', 'high', 'urgent']).optional().title('Priority').describe('Ticket priority'),
    tags: z.array(z.string()).optional().title('Tags').describe('Labels to put on the ticket'),
    queue: z.string().optional().title('Queue').describe('Queue, team or inbox that should handle the ticket'),
    requesterName: z
      .string()
      .optional()
      .title('Requester name')
      .describe('Overrides the end user name shown on the ticket'),
    requesterEmail: z
      .string()
      .optional()
      .title('Requester email')
      .describe('Overrides the end user email shown on the ticket'),
    customFields: z
      .record(z.string())
      .optional()
      .title('Custom fields')
      .describe('Free custom fields, passed to the helpdesk as they are'),
  })
  .title('HITL session')
  .describe('Routing fields chosen by the bot (the `hitlSession` of `startHitl`)')

export const createUserRequestSchema = z.object({
  botpressUserId: z.string().min(1).describe('Botpress id of the end user; later messages name their author by it'),
  name: z.string().describe('Display name of the end user'),
  email: z.string().optional().describe('Email address of the end user'),
  pictureUrl: z.string().optional().describe('Avatar URL of the end user'),
})

export const createdResourceSchema = z.object({ id: helpdeskId.describe("The helpdesk's own id") }).passthrough()

export const historyEntrySchema = typedMessageSchema(historyMessageTypes, { author: authorSchema, text: plainText })

export const createConversationRequestSchema = z.object({
  botpressConversationId: z.string().min(1).describe('Botpress id of the downstream conversation'),
  reference: z
    .string()
    .min(1)
    .max(200)
    .describe(
      'Keep it with the conversation and echo it as `reference` in every webhook event about it: the integration then finds the conversation without a lookup. Opaque; echo it exactly'
    ),
  userId: helpdeskId.describe("The helpdesk's user id of the end user (from `POST /users`)"),
  botpressUserId: z.string().min(1).describe('Botpress id of the end user'),
  title: z.string().optional().describe('Ticket title'),
  description: z.string().optional().describe('Ticket description'),
  session: sessionSchema.optional(),
  messages: z
    .array(historyEntrySchema)
    .describe('The conversation so far, oldest first: the latest messages that fit in the history limit and 512 KiB'),
  omittedMessages: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'How many messages of the conversation are not in `messages` (older than the history limit or the 512 KiB budget, or of a type the contract does not know); show it so the agent knows the history is partial'
    ),
})

export const relayedMessageSchema = typedMessageSchema(relayedMessageTypes)

export const createMessageRequestSchema = typedMessageSchema(relayedMessageTypes, {
  botpressMessageId: z.string().min(1).describe('Botpress id of the message'),
  author: authorSchema,
  text: plainText,
  additionalData: z.string().max(500).optional().describe('Opaque data the bot attached to the message'),
})

export const createMessageResponseSchema = z
  .object({ id: helpdeskId.optional().describe("The helpdesk's message id") })
  .passthrough()

// No reason: stopHitl (hitl@2.1.0) does not say why the session ends (the end user left, a timeout, the bot's flow).
export const closeConversationRequestSchema = z.object({
  botpressConversationId: z.string().min(1).describe('Botpress id of the downstream conversation'),
})

export type SessionFields = z.infer<typeof sessionSchema>
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>
export type CreateConversationRequest = z.infer<typeof createConversationRequestSchema>
export type HistoryEntry = z.infer<typeof historyEntrySchema>
export type CreateMessageRequest = z.infer<typeof createMessageRequestSchema>
export type CloseConversationRequest = z.infer<typeof closeConversationRequestSchema>
