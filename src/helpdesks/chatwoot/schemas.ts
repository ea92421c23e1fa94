import { z } from '@botpress/sdk'

/*
 * The parts of Chatwoot's answers and webhook payloads the integration reads, checked against Chatwoot's source
 * (docs/helpdesks/chatwoot.md lists the facts). Objects pass unknown fields through: Chatwoot adds fields often.
 * Ids are integers; a string of digits is accepted too.
 */

export const chatwootId = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform((id) => String(id))

const nullableText = z.string().nullish()

/** An attachment, as both the REST API and webhooks encode it (`Attachment#push_event_data`). */
export const attachmentSchema = z
  .object({
    id: chatwootId,
    file_type: z.string(),
    data_url: nullableText,
    extension: nullableText,
  })
  .passthrough()

/** The author of a message: `type` is `user` (an agent), `contact`, `agent_bot` or `captain_assistant`. */
export const senderSchema = z
  .object({
    id: chatwootId,
    name: nullableText,
    email: nullableText,
    avatar_url: nullableText,
    thumbnail: nullableText,
    type: z.string().optional(),
  })
  .passthrough()

/** A message as the REST API answers it: `message_type` is an integer (0 incoming, 1 outgoing, 2 activity, 3 template). */
export const restMessageSchema = z
  .object({
    id: chatwootId,
    content: nullableText,
    message_type: z.number().int(),
    created_at: z.number().nullish(),
    private: z.boolean().nullish(),
    source_id: nullableText,
    sender: senderSchema.nullish(),
    attachments: z.array(attachmentSchema).nullish(),
  })
  .passthrough()

/** `meta.assignee` is the agent assigned now (absent when nobody is). */
export const messageListSchema = z
  .object({
    meta: z.object({ assignee: senderSchema.nullish() }).passthrough().nullish(),
    payload: z.array(restMessageSchema),
  })
  .passthrough()

export const createdMessageSchema = z.object({ id: chatwootId }).passthrough()

export const inboxSchema = z.object({ id: chatwootId, channel_type: z.string(), name: nullableText }).passthrough()

export const contactSchema = z
  .object({ id: chatwootId, email: nullableText, identifier: nullableText })
  .passthrough()

export const contactSearchSchema = z.object({ payload: z.array(contactSchema) }).passthrough()

/** `POST /contacts` answers `{ payload: { contact, contact_inbox } }`. */
export const createdContactSchema = z.object({ payload: z.object({ contact: contactSchema }).passthrough() }).passthrough()

export const conversationSchema = z
  .object({
    id: chatwootId,
    inbox_id: chatwootId.optional(),
    status: z.string().optional(),
    additional_attributes: z.record(z.unknown()).nullish(),
    messages: z.array(z.unknown()).nullish(),
  })
  .passthrough()

export const contactConversationsSchema = z.object({ payload: z.array(conversationSchema) }).passthrough()

/* Webhooks: the top-level `event` names the kind; a message's `message_type` is a string there. */

const webhookConversationSchema = z
  .object({ id: chatwootId, inbox_id: chatwootId.optional() })
  .passthrough()

export const messageWebhookSchema = z
  .object({
    event: z.enum(['message_created', 'message_updated']),
    id: chatwootId,
    content: nullableText,
    created_at: z.union([z.string(), z.number()]).nullish(),
    message_type: z.string(),
    private: z.boolean().nullish(),
    sender: senderSchema.nullish(),
    attachments: z.array(attachmentSchema).nullish(),
    inbox: z.object({ id: chatwootId }).passthrough().nullish(),
    conversation: webhookConversationSchema,
  })
  .passthrough()

/** `changed_attributes` is a list of one-key objects: `[{ "assignee_id": { "previous_value": 1, "current_value": 2 } }]`. */
const changedAttributesSchema = z
  .array(z.record(z.object({ previous_value: z.unknown(), current_value: z.unknown() }).passthrough()))
  .nullish()

export const conversationWebhookSchema = z
  .object({
    event: z.enum(['conversation_updated', 'conversation_status_changed', 'conversation_created']),
    id: chatwootId,
    inbox_id: chatwootId.optional(),
    status: z.string().optional(),
    /** Unix seconds with a fraction: when the conversation last changed, i.e. this change. */
    updated_at: z.number().nullish(),
    changed_attributes: changedAttributesSchema,
    meta: z
      .object({ assignee: senderSchema.nullish(), assignee_type: nullableText })
      .passthrough()
      .nullish(),
  })
  .passthrough()

/** Any other event (typing, contact, ...): only where it belongs is read. */
export const otherWebhookSchema = z
  .object({
    event: z.string(),
    conversation: webhookConversationSchema.nullish(),
    inbox: z.object({ id: chatwootId }).passthrough().nullish(),
  })
  .passthrough()

export type RestMessage = z.infer<typeof restMessageSchema>
export type Sender = z.infer<typeof senderSchema>
export type Attachment = z.infer<typeof attachmentSchema>
