import type {
  CloseConversationRequest,
  CreateConversationRequest,
  CreateMessageRequest,
  CreateUserRequest,
} from '../../contract/helpdesk-api'
import type { AgentAssignedEvent, MessageCreatedEvent, WebhookEvent } from '../../contract/webhook-events'
import type { ValidationIssue } from '../validation-issues'

/*
 * The seam between the integration and one helpdesk product. The contract's client is one implementation; each
 * product (Request Tracker, Chatwoot, ...) is another, in its own folder under src/helpdesks/. Everything else (the
 * actions, the channel, the webhook pipeline with its exactly-once rules) is shared and speaks only this seam and the
 * contract's events.
 */

export type TicketRequest = Omit<CreateConversationRequest, 'reference'>

/** The outbound side: what the actions and the channel ask of a helpdesk. Failures throw a HelpdeskError. */
export type Helpdesk = {
  /** On register: the URL, the credentials and the product's own settings work; otherwise names what to fix. */
  checkConnection(): Promise<void>
  /** Finds or creates the end user's contact; retrying it for the same Botpress user leaves one contact. */
  createContact(request: CreateUserRequest): Promise<{ id: string }>
  /**
   * Opens the ticket with title, description, routing fields and history, for the contact given in `userId`. The
   * conversation's `reference` is the helpdesk's to add when its webhooks can echo it (the contract's can).
   */
  openTicket(request: TicketRequest): Promise<{ id: string }>
  /**
   * Adds an end-user (or bot) message to the ticket. The helpdesk's own id of the message is not kept: relaying makes no
   * Botpress call, and nothing later needs it (a retry is recognised by `botpressMessageId`).
   */
  addMessage(ticketId: string, request: CreateMessageRequest): Promise<void>
  /** Closes (resolves) the ticket; a ticket already closed counts as success. */
  closeTicket(ticketId: string, request: CloseConversationRequest): Promise<void>
  /**
   * For helpdesks that never retry their webhooks: the agent messages of a ticket after `afterMessageId` (all of
   * them when undefined), oldest first, as contract events, so that a lost delivery arrives late rather than never.
   * May start with an `agent.assigned` event for the agent assigned now, when the same answer tells: a lost
   * assignment is then announced late too (only if that agent is not the one already announced).
   */
  agentMessagesSince?(
    ticketId: string,
    afterMessageId: string | undefined
  ): Promise<Array<MessageCreatedEvent | AgentAssignedEvent>>
}

/** A webhook request as it reached the integration: the raw body, before any parsing. */
export type IncomingWebhook = {
  method: string
  /** Header names in lower case. */
  headers: Record<string, string | undefined>
  rawBody: string
}

export type DecodedWebhook =
  /**
   * Authentic. `deliveryId` identifies the delivery (a redelivery keeps it); `events` empty: acknowledged, ignored.
   * `ticketId`: the helpdesk conversation the request concerns, when known, even if it maps to no event (it lets the
   * pipeline catch up on a helpdesk that never retries, see `agentMessagesSince`). `botpressConversationId`: the
   * Botpress conversation the events concern, when the helpdesk echoed a reference this installation issued.
   */
  | { ok: true; deliveryId: string; ticketId?: string; botpressConversationId?: string; events: WebhookEvent[] }
  | { ok: false; status: 400 | 401; code: string; message: string; issues?: ValidationIssue[] }

/** The inbound side: authenticates a helpdesk's webhook request and decodes it into the contract's events. */
export type WebhookDecoder = (request: IncomingWebhook) => DecodedWebhook | Promise<DecodedWebhook>
