/** Entity shapes, as `@botpress/client` 1.35.0 declares them in its responses. */

export type Tags = Record<string, string>
export type JsonObject = { [key: string]: unknown }

export interface User {
  id: string
  createdAt: string
  updatedAt: string
  tags: Tags
  name?: string
  pictureUrl?: string
  attributes?: Tags
}

export interface Conversation {
  id: string
  currentTaskId?: string
  currentWorkflowId?: string
  createdAt: string
  updatedAt: string
  channel: string
  /** name of the integration that owns the conversation */
  integration: string
  tags: Tags
}

export type MessageDirection = 'incoming' | 'outgoing'

export interface Message {
  id: string
  createdAt: string
  updatedAt: string
  type: string
  payload: JsonObject
  direction: MessageDirection
  userId: string
  conversationId: string
  tags: Tags
  origin?: 'synthetic'
}

export type EventStatus = 'pending' | 'processed' | 'ignored' | 'failed' | 'scheduled' | 'canceled'

export interface BotEvent {
  id: string
  createdAt: string
  type: string
  payload: JsonObject
  conversationId?: string
  userId?: string
  messageId?: string
  workflowId?: string
  status: EventStatus
  failureReason: string | null
}

export const STATE_TYPES = ['conversation', 'user', 'bot', 'integration', 'task', 'workflow'] as const
export type StateType = (typeof STATE_TYPES)[number]

export interface State {
  id: string
  createdAt: string
  updatedAt: string
  botId: string
  conversationId?: string
  userId?: string
  name: string
  type: StateType
  payload: JsonObject
}

/** Who made a request (from the `x-bot-id` / `x-integration-*` / `x-user-id` headers). */
export interface Caller {
  botId: string
  integrationId?: string
  integrationAlias?: string
  userId?: string
}

/** Passed to `onMessage` / `onEvent` listeners. */
export interface CreationContext {
  botId: string
  /** the client operation that created the entity, e.g. `createMessage`, `initializeIncomingMessage` */
  operation: string
  integrationId?: string
  integrationAlias?: string
}
