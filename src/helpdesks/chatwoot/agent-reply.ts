import type { Agent, MessageCreatedEvent } from '../../../contract/webhook-events'
import type { Attachment, Sender } from './schemas'

/*
 * One Chatwoot agent reply as contract events: its text, then each attachment as image, audio, video or file by its
 * `file_type`. The ids are the same whether the reply arrives by webhook or is read back later (catch-up), so the
 * pipeline's dedupe by helpdesk message id makes a replay harmless: `<message id>` for the text,
 * `<message id>:<attachment id>` for an attachment.
 */

export type AgentReply = {
  conversationId: string
  messageId: string
  content: string | null | undefined
  attachments: readonly Attachment[] | null | undefined
  sender: Sender
  /** When the agent wrote it, ISO 8601 to the second (webhooks and the API give it at different precisions). */
  occurredAt?: string
}

/** An instant from Chatwoot (ISO text, or Unix seconds), to the second; undefined when absent or unreadable. */
export const toSecond = (value: string | number | null | undefined): string | undefined => {
  if (value === null || value === undefined) return undefined
  const ms = typeof value === 'number' ? value * 1000 : Date.parse(value)
  return Number.isFinite(ms) ? new Date(Math.floor(ms / 1000) * 1000).toISOString() : undefined
}

/** Only a human agent's public reply goes to the end user; Chatwoot's own markers say which messages are such. */
export const isHumanPublicReply = (reply: { outgoing: boolean; private?: boolean | null; sender?: Sender | null }) =>
  reply.outgoing && reply.private !== true && reply.sender?.type === 'user'

export const agentOf = (sender: Sender): Agent => {
  const picture = sender.avatar_url || sender.thumbnail || undefined
  return {
    id: sender.id,
    ...(sender.name ? { name: sender.name } : {}),
    ...(sender.email ? { email: sender.email } : {}),
    ...(picture ? { pictureUrl: picture } : {}),
  }
}

const attachmentMessage = (attachment: Attachment): MessageCreatedEvent['message'] | undefined => {
  const url = attachment.data_url
  if (!url) return undefined
  switch (attachment.file_type) {
    case 'image':
      return { type: 'image', payload: { imageUrl: url }, id: '' }
    case 'audio':
      return { type: 'audio', payload: { audioUrl: url }, id: '' }
    case 'video':
      return { type: 'video', payload: { videoUrl: url }, id: '' }
    default:
      return { type: 'file', payload: { fileUrl: url }, id: '' }
  }
}

/** The cursor part of an event's message id: the Chatwoot message id it came from. */
export const chatwootMessageIdOf = (eventMessageId: string): string => eventMessageId.split(':')[0] ?? eventMessageId

export const agentReplyEvents = (reply: AgentReply): MessageCreatedEvent[] => {
  const agent = agentOf(reply.sender)
  const event = (message: MessageCreatedEvent['message']): MessageCreatedEvent => ({
    type: 'message.created',
    id: `message-${message.id}`,
    conversationId: reply.conversationId,
    ...(reply.occurredAt ? { occurredAt: reply.occurredAt } : {}),
    agent,
    message,
  })
  const events: MessageCreatedEvent[] = []
  const text = reply.content?.trim()
  if (text) events.push(event({ type: 'text', payload: { text }, id: reply.messageId }))
  for (const attachment of reply.attachments ?? []) {
    const message = attachmentMessage(attachment)
    if (message) events.push(event({ ...message, id: `${reply.messageId}:${attachment.id}` }))
  }
  return events
}

/** A Chatwoot message, from a webhook or read back: the events of a human agent's public reply, none for anything else. */
export const replyEventsOf = (
  conversationId: string,
  message: {
    id: string
    content?: string | null
    attachments?: readonly Attachment[] | null
    private?: boolean | null
    sender?: Sender | null
    created_at?: string | number | null
  },
  outgoing: boolean
): MessageCreatedEvent[] => {
  const { sender } = message
  if (!sender || !isHumanPublicReply({ outgoing, private: message.private, sender })) return []
  return agentReplyEvents({
    conversationId,
    messageId: message.id,
    content: message.content,
    attachments: message.attachments,
    sender,
    occurredAt: toSecond(message.created_at),
  })
}
