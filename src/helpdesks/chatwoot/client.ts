import { RuntimeError, z } from '@botpress/sdk'
import { randomUUID } from 'node:crypto'
import type { AxiosInstance } from 'axios'
import type { SessionFields } from '../../../contract/helpdesk-api'
import type { TicketRequest } from '../helpdesk'
import type { AgentAssignedEvent, MessageCreatedEvent } from '../../../contract/webhook-events'
import { HelpdeskError, helpdeskErrors, type CallName } from '../../helpdesk/errors'
import { readAnswer, sendCall } from '../../helpdesk/call'
import { INVALID_ANSWER_CODE } from '../../failures/classify'
import { defaultRetryPolicy, httpFor, type RetryListener, type RetryPolicy } from '../../helpdesk/http'
import type { Helpdesk } from '../helpdesk'
import { agentOf, chatwootMessageIdOf, replyEventsOf } from './agent-reply'
import type { ChatwootConfig } from './config'
import { openingMessage, relayedContent } from './content'
import { advice } from './connection-advice'
import {
  contactConversationsSchema,
  contactSearchSchema,
  conversationSchema,
  createdContactSchema,
  createdMessageSchema,
  inboxSchema,
  messageListSchema,
  type Sender,
} from './schemas'

export type ChatwootClientOptions = { retry?: RetryPolicy; onRetry?: RetryListener }

/** Chatwoot's `GET …/messages?after=` answers at most this many messages, oldest first. */
const PAGE = 100
const MAX_PAGES = 3
/** `message_type` in REST answers: 0 incoming, 1 outgoing, 2 activity, 3 template. */
const OUTGOING = 1
const PRIORITY = { low: 'low', normal: 'medium', high: 'high', urgent: 'urgent' } as const

/** Chatwoot label titles are lower case letters, digits, `-` and `_`. */
export const labelOf = (tag: string) =>
  tag
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^-+|-+$/g, '')

/** The identifier a contact is found again by when no email is given: stable per Botpress user. */
export const contactIdentifierOf = (botpressUserId: string) => `botpress:${botpressUserId}`

type Method = 'GET' | 'POST'

/** A failure after which the request may have been carried out: no answer, a timeout, a gateway or server error. */
const mayHaveLanded = (error: HelpdeskError) => {
  const { status } = error.failure
  return status === undefined || status === 408 || status === 429 || status >= 500
}

/**
 * Chatwoot's Application API for one account, authenticated with a user's access token. Reads, idempotent writes and
 * contact creation (unique by email and identifier) are retried; creating a conversation or a message is not (Chatwoot has no idempotency key, a retry after a timeout
 * could post twice), and a failed one surfaces to Botpress, whose retry of startHitl finds the conversation again.
 */
export const chatwootHelpdesk = (config: ChatwootConfig, options: ChatwootClientOptions = {}): Helpdesk => {
  const baseUrl = `${config.chatwootUrl.replace(/\/+$/, '')}/api/v1/accounts/${config.accountId}`
  const policy = options.retry ?? defaultRetryPolicy
  const instance = (retry: RetryPolicy) =>
    httpFor({ baseUrl, headers: { api_access_token: config.accessToken }, timeoutMs: config.requestTimeoutMs, retry })
  const retrying = instance(policy)
  const once = instance({ ...policy, retries: 0 })
  const errors = helpdeskErrors([config.accessToken, config.webhookSecret])

  const send = async <S extends z.ZodTypeAny>(
    http: AxiosInstance,
    method: Method,
    path: string,
    answer: S,
    body?: unknown,
    params?: Record<string, string>
  ): Promise<z.infer<S>> => {
    const call: CallName = `${method} ${path}`
    const { data, status } = await sendCall(http, errors, call, {
      method,
      url: path,
      params,
      data: body === undefined ? undefined : JSON.stringify(body),
      webhookId: '',
      onRetry: options.onRetry,
    })
    // Chatwoot's advice differs from the contract's: the usual cause is a URL that is not Chatwoot's
    return readAnswer(
      answer,
      data,
      (problems) =>
        new HelpdeskError(
          errors.redact(
            `Helpdesk call ${call} answered with an unexpected body (${status} ${problems}); check that the Chatwoot URL points at Chatwoot itself`
          ),
          { kind: 'invalid_answer', status, code: INVALID_ANSWER_CODE }
        )
    )
  }

  /** Answers the integration does not read. */
  const unread = z.unknown()
  const conversationPath = (id: string) => `/conversations/${encodeURIComponent(id)}`

  const searchContact = async (query: string, matches: (contact: { email?: string | null; identifier?: string | null }) => boolean) => {
    const { payload } = await send(retrying, 'GET', '/contacts/search', contactSearchSchema, undefined, { q: query })
    return payload.find(matches)
  }
  const byEmail = (email: string) => (contact: { email?: string | null }) =>
    contact.email?.toLowerCase() === email.toLowerCase()
  const byIdentifier = (identifier: string) => (contact: { identifier?: string | null }) => contact.identifier === identifier

  const applyRouting = async (conversationId: string, session: SessionFields | undefined) => {
    if (session?.priority) {
      await send(retrying, 'POST', `${conversationPath(conversationId)}/toggle_priority`, unread, {
        priority: PRIORITY[session.priority],
      })
    }
    const labels = [...new Set((session?.tags ?? []).map(labelOf).filter(Boolean))]
    if (labels.length) await send(retrying, 'POST', `${conversationPath(conversationId)}/labels`, unread, { labels })
  }

  /** The conversation an earlier, failed attempt of the same startHitl opened, if any. */
  const openedBefore = async (request: TicketRequest) => {
    const { payload } = await send(
      retrying,
      'GET',
      `/contacts/${encodeURIComponent(request.userId)}/conversations`,
      contactConversationsSchema
    )
    return payload.find(
      (conversation) =>
        conversation.inbox_id === String(config.inboxId) &&
        conversation.additional_attributes?.botpress_conversation_id === request.botpressConversationId
    )
  }

  return {
    checkConnection: async () => {
      let inbox: z.infer<typeof inboxSchema>
      try {
        inbox = await send(retrying, 'GET', `/inboxes/${config.inboxId}`, inboxSchema)
      } catch (error) {
        if (!(error instanceof HelpdeskError)) throw error
        throw new RuntimeError(`${error.message}. ${advice(error, config)}`)
      }
      if (inbox.channel_type !== 'Channel::Api') {
        throw new RuntimeError(
          `Chatwoot inbox ${config.inboxId}${inbox.name ? ` (${inbox.name})` : ''} is a ${inbox.channel_type.replace('Channel::', '')} inbox: handoffs need an API inbox (Settings → Inboxes → Add Inbox → API); put its number in Inbox ID`
        )
      }
    },

    createContact: async (request) => {
      const identifier = contactIdentifierOf(request.botpressUserId)
      if (request.email) {
        const found = await searchContact(request.email, byEmail(request.email))
        if (found) return { id: found.id }
      }
      try {
        // retried: a retry of a creation that did succeed is refused 422 and finds the contact below
        const created = await send(retrying, 'POST', '/contacts', createdContactSchema, {
          inbox_id: config.inboxId,
          name: request.name,
          identifier,
          ...(request.email ? { email: request.email } : {}),
          ...(request.pictureUrl ? { avatar_url: request.pictureUrl } : {}),
        })
        return { id: created.payload.contact.id }
      } catch (error) {
        // 422: the email or the identifier is taken, by a concurrent or earlier attempt for the same user
        if (!(error instanceof HelpdeskError && error.failure.status === 422)) throw error
        const found =
          (await searchContact(identifier, byIdentifier(identifier))) ??
          (request.email ? await searchContact(request.email, byEmail(request.email)) : undefined)
        if (!found) throw error
        return { id: found.id }
      }
    },

    openTicket: async (request) => {
      const existing = await openedBefore(request)
      const conversation =
        existing ??
        (await send(once, 'POST', '/conversations', conversationSchema, {
          inbox_id: config.inboxId,
          contact_id: Number(request.userId),
          status: 'open',
          additional_attributes: {
            botpress_conversation_id: request.botpressConversationId,
            botpress_user_id: request.botpressUserId,
            ...(request.title ? { title: request.title } : {}),
          },
          custom_attributes: request.session?.customFields ?? {},
          // the first message is the customer's: Chatwoot's default for it is outgoing
          message: { content: openingMessage(request), message_type: 'incoming' },
        }))
      await applyRouting(conversation.id, request.session)
      return { id: conversation.id }
    },

    addMessage: async (ticketId, request) => {
      const path = `${conversationPath(ticketId)}/messages`
      const sourceId = `botpress:${request.botpressMessageId}`
      const post = () =>
        send(once, 'POST', path, createdMessageSchema, {
          content: relayedContent(request),
          message_type: 'incoming',
          private: false,
          source_id: sourceId,
        })
      try {
        await post()
      } catch (error) {
        if (!(error instanceof HelpdeskError && mayHaveLanded(error))) throw error
        // the message may be there though its answer was lost: post again only if it is not
        const { payload } = await send(retrying, 'GET', path, messageListSchema).catch(() => {
          throw error
        })
        const landed = payload.find((message) => message.source_id === sourceId)
        if (!landed) await post()
      }
    },

    closeTicket: async (ticketId) => {
      try {
        await send(retrying, 'POST', `${conversationPath(ticketId)}/toggle_status`, unread, { status: 'resolved' })
      } catch (error) {
        // a conversation deleted in Chatwoot is as closed as it gets
        if (!(error instanceof HelpdeskError && error.failure.status === 404)) throw error
      }
    },

    agentMessagesSince: async (ticketId, afterMessageId) => {
      const events: MessageCreatedEvent[] = []
      let assignee: Sender | null | undefined
      // the assignee read back is the one in force at least since this instant
      const readAt = new Date().toISOString()
      // after an attachment (`<message>:<attachment>`), its message is read again and cut after that attachment
      const cursor = afterMessageId ? chatwootMessageIdOf(afterMessageId) : '0'
      const within = afterMessageId !== undefined && afterMessageId !== cursor
      let after = within ? String(Number(cursor) - 1) : cursor
      for (let page = 0; page < MAX_PAGES; page++) {
        const { meta, payload } = await send(retrying, 'GET', `${conversationPath(ticketId)}/messages`, messageListSchema, undefined, {
          after,
        })
        if (page === 0) assignee = meta?.assignee
        for (const message of payload) events.push(...replyEventsOf(ticketId, message, message.message_type === OUTGOING))
        if (payload.length < PAGE) break
        after = payload.reduce((max, message) => (Number(message.id) > Number(max) ? message.id : max), after)
      }
      const replies = within ? events.slice(events.findIndex((event) => event.message.id === afterMessageId) + 1) : events
      // the agent assigned now, read with the messages: a lost or early assignment webhook is announced all the same
      const assigned: AgentAssignedEvent[] =
        assignee && (assignee.type === undefined || assignee.type === 'user')
          ? [
              {
                type: 'agent.assigned',
                id: `assignee-${assignee.id}-${randomUUID()}`,
                conversationId: ticketId,
                occurredAt: readAt,
                agent: agentOf(assignee),
              },
            ]
          : []
      return [...assigned, ...replies]
    },
  }
}
