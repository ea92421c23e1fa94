/*
 * Reference helpdesk: the REST calls the integration makes (contract §2, "Integration → helpdesk").
 *
 *   GET  /health                          200 { ok: true }
 *   POST /users                           200 { id }   one helpdesk user per botpressUserId
 *   POST /conversations                   200 { id }   a ticket, with its history, how many messages it lacks, session fields
 *                                                      and the reference to echo in its events
 *   POST /conversations/{id}/messages     200 { id }   404 unknown ticket, 409 closed ticket
 *   POST /conversations/{id}/close        200 { ok }   404 unknown ticket, 409 already closed
 *
 * Bodies are validated with the contract's own zod schemas (contract/helpdesk-api.ts); a failure answers
 * 400 { error: { code, message, issues: [{ path, message }] } }. Authentication and idempotency happen before
 * these handlers run (server.ts), so each handler only does its one job.
 */
import type { z } from '@botpress/sdk'
import {
  closeConversationRequestSchema,
  createConversationRequestSchema,
  createMessageRequestSchema,
  createUserRequestSchema,
} from '../../contract/helpdesk-api'
import type { Author } from '../../contract/messages'
import { decodeSegment } from './http'
import type { Answer, HelpdeskStore, TicketMessage } from './store'

export const errorAnswer = (
  status: number,
  code: string,
  message: string,
  issues?: Array<{ path: string; message: string }>
): Answer => ({ status, body: { error: { code, message, ...(issues ? { issues } : {}) } } })

const ok = (body: unknown): Answer => ({ status: 200, body })

/** Parses `body` with `schema`, or answers 400 naming the fields that failed. */
const parse = <S extends z.ZodTypeAny>(schema: S, body: unknown): { data: z.infer<S> } | { answer: Answer } => {
  const result = schema.safeParse(body)
  if (result.success) return { data: result.data }
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : '(body)',
    message: issue.message,
  }))
  return { answer: errorAnswer(400, 'invalid_body', 'The request body does not match the contract', issues) }
}

/** The contract names the end user by `botpressUserId`; the helpdesk maps it to the user it created in POST /users. */
const authorFields = (store: HelpdeskStore, author: Author): Pick<TicketMessage, 'author' | 'authorName' | 'userId'> => {
  if (author.type === 'bot') return { author, authorName: 'Bot' }
  const user = store.userByBotpressId(author.botpressUserId)
  return user
    ? { author, authorName: user.name, userId: user.id }
    : { author, authorName: `Unknown user (${author.botpressUserId})` }
}

type Handler = (store: HelpdeskStore, body: unknown, ticketId: string) => Answer
type Route = { method: 'GET' | 'POST'; path: RegExp; handle: Handler }

const routes: Route[] = [
  { method: 'GET', path: /^\/health$/, handle: () => ok({ ok: true }) },

  {
    method: 'POST',
    path: /^\/users$/,
    handle: (store, body) => {
      const parsed = parse(createUserRequestSchema, body)
      if ('answer' in parsed) return parsed.answer
      return ok({ id: store.upsertUser(parsed.data).id })
    },
  },

  {
    method: 'POST',
    path: /^\/conversations$/,
    handle: (store, body) => {
      const parsed = parse(createConversationRequestSchema, body)
      if ('answer' in parsed) return parsed.answer
      const request = parsed.data
      const user = store.user(request.userId)
      if (!user) {
        return errorAnswer(400, 'unknown_user', `No user ${request.userId}: create it with POST /users first`, [
          { path: 'userId', message: 'not a user id answered by POST /users' },
        ])
      }
      const email = request.session?.requesterEmail ?? user.email
      const ticket = store.createTicket({
        botpressConversationId: request.botpressConversationId,
        reference: request.reference,
        botpressUserId: request.botpressUserId,
        requester: { userId: user.id, name: request.session?.requesterName ?? user.name, ...(email ? { email } : {}) },
        title: request.title ?? `Conversation with ${user.name}`,
        ...(request.description !== undefined ? { description: request.description } : {}),
        ...(request.session !== undefined ? { session: request.session } : {}),
        ...(request.omittedMessages ? { omittedMessages: request.omittedMessages } : {}),
      })
      for (const entry of request.messages) {
        store.addMessage(ticket, 'history', {
          origin: 'history',
          ...authorFields(store, entry.author),
          type: entry.type,
          payload: entry.payload,
          text: entry.text,
        })
      }
      return ok({ id: ticket.id })
    },
  },

  {
    method: 'POST',
    path: /^\/conversations\/([^/]+)\/messages$/,
    handle: (store, body, ticketId) => {
      const parsed = parse(createMessageRequestSchema, body)
      if ('answer' in parsed) return parsed.answer
      const ticket = store.ticket(ticketId)
      if (!ticket) return errorAnswer(404, 'not_found', `No conversation ${ticketId}`)
      if (ticket.status === 'closed') return errorAnswer(409, 'conversation_closed', `Conversation ${ticketId} is closed`)
      const request = parsed.data
      const message = store.addMessage(ticket, 'messages', {
        origin: 'integration',
        ...authorFields(store, request.author),
        type: request.type,
        payload: request.payload,
        text: request.text,
        botpressMessageId: request.botpressMessageId,
        ...(request.additionalData !== undefined ? { additionalData: request.additionalData } : {}),
      })
      return ok({ id: message.id })
    },
  },

  {
    method: 'POST',
    path: /^\/conversations\/([^/]+)\/close$/,
    handle: (store, body, ticketId) => {
      const parsed = parse(closeConversationRequestSchema, body)
      if ('answer' in parsed) return parsed.answer
      const ticket = store.ticket(ticketId)
      if (!ticket) return errorAnswer(404, 'not_found', `No conversation ${ticketId}`)
      if (ticket.status === 'closed') return errorAnswer(409, 'conversation_closed', `Conversation ${ticketId} is already closed`)
      store.close(ticket, 'integration')
      return ok({ ok: true })
    },
  },
]

/** Finds the route for `method path` and runs it: 404 for an unknown path, 405 for a known path and another method. */
export const handleContractCall = (store: HelpdeskStore, method: string, path: string, body: unknown): Answer => {
  const matching = routes.filter((route) => route.path.test(path))
  if (matching.length === 0) return errorAnswer(404, 'not_found', `No route ${path}`)
  const route = matching.find((r) => r.method === method)
  if (!route) {
    const allow = matching.map((r) => r.method).join(', ')
    return { ...errorAnswer(405, 'method_not_allowed', `${method} ${path} is not allowed (use ${allow})`), headers: { allow } }
  }
  const ticketId = decodeSegment(route.path.exec(path)?.[1] ?? '')
  if (ticketId === undefined) return errorAnswer(404, 'not_found', `No route ${path}`)
  return route.handle(store, body, ticketId)
}
