import { randomUUID } from 'node:crypto'
import { webhookEventSchema, webhookEventTypes, type WebhookEvent } from '../../contract/webhook-events'
import { formatIssues } from '../../src/validation-issues'

export type EventType = (typeof webhookEventTypes)[number]

export const isEventType = (value: string): value is EventType => (webhookEventTypes as readonly string[]).includes(value)

export type EventInput = {
  type: EventType
  conversationId?: string
  /** the `reference` the integration sent in POST /conversations, echoed as is; absent: the event carries none */
  reference?: string
  eventId?: string
  /** when the change happened (ISO 8601); default: now */
  occurredAt?: string
  agentId?: string
  agentName?: string
  agentEmail?: string
  agentPictureUrl?: string
  messageId?: string
  /** `text` for a text message; or a `messageType` with its `payload` as JSON. */
  text?: string
  messageType?: string
  payload?: string
  reason?: string
}

export class InvalidEventError extends Error {}

export const DEFAULT_AGENT_ID = 'agent-1'

const parsePayload = (json: string): unknown => {
  try {
    return JSON.parse(json)
  } catch {
    throw new InvalidEventError(`--payload is not JSON: ${json}`)
  }
}

const messageOf = (input: EventInput): { id: string; type: string; payload: unknown } => {
  const id = input.messageId ?? `m-${randomUUID()}`
  if (input.payload !== undefined) {
    if (input.text !== undefined) throw new InvalidEventError('give either --text or --payload, not both')
    return { id, type: input.messageType ?? 'text', payload: parsePayload(input.payload) }
  }
  if (input.messageType !== undefined && input.messageType !== 'text') {
    throw new InvalidEventError(`a ${input.messageType} message needs --payload '<json>'`)
  }
  if (input.text === undefined) throw new InvalidEventError('message.created needs --text (or --message-type and --payload)')
  return { id, type: 'text', payload: { text: input.text } }
}

/** The event the options describe, checked against the same schema the integration's webhook validates with. */
export const buildEvent = (input: EventInput): WebhookEvent => {
  const agent = {
    id: input.agentId ?? (input.type === 'message.created' ? DEFAULT_AGENT_ID : undefined),
    ...(input.agentName !== undefined ? { name: input.agentName } : {}),
    ...(input.agentEmail !== undefined ? { email: input.agentEmail } : {}),
    ...(input.agentPictureUrl !== undefined ? { pictureUrl: input.agentPictureUrl } : {}),
  }
  const base = {
    id: input.eventId ?? `evt_${randomUUID()}`,
    occurredAt: input.occurredAt ?? new Date().toISOString(),
    type: input.type,
    conversationId: input.conversationId,
    ...(input.reference !== undefined ? { reference: input.reference } : {}),
  }
  const candidate =
    input.type === 'message.created'
      ? { ...base, agent, message: messageOf(input) }
      : input.type === 'agent.assigned'
        ? { ...base, agent }
        : { ...base, ...(input.reason !== undefined ? { reason: input.reason } : {}) }
  const parsed = webhookEventSchema.safeParse(candidate)
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues).map((i) => `${i.path}: ${i.message}`)
    throw new InvalidEventError(`the ${input.type} event is not valid: ${issues.join('; ')}`)
  }
  return parsed.data
}
