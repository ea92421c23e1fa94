import type { Response } from '@botpress/sdk'
import type { WebhookErrorAnswer, WebhookOkAnswer } from '../../contract/webhook-events'
import type { Failure } from '../failures/classify'
import type { ValidationIssue } from '../validation-issues'

/*
 * Every answer the webhook gives a helpdesk is built here. The status tells the helpdesk what to do: 2xx done (or
 * done before), 4xx stop (the event cannot succeed as sent), 503 try again after Retry-After, 500 a defect here.
 */

export type Answer = {
  status: number
  body: WebhookOkAnswer | WebhookErrorAnswer
  headers?: Record<string, string>
}

export const toResponse = (answer: Answer): Response => ({
  status: answer.status,
  headers: { 'content-type': 'application/json', ...answer.headers },
  body: JSON.stringify(answer.body),
})

export const isDuplicate = (answer: Answer) => 'ok' in answer.body && answer.body.duplicate === true

export const processed = (): Answer => ({ status: 200, body: { ok: true } })
export const duplicate = (): Answer => ({ status: 200, body: { ok: true, duplicate: true } })

export const refuse = (
  status: number,
  code: string,
  message: string,
  extra: { issues?: ValidationIssue[]; headers?: Record<string, string> } = {}
): Answer => ({
  status,
  body: { error: { code, message, ...(extra.issues ? { issues: extra.issues } : {}) } },
  ...(extra.headers ? { headers: extra.headers } : {}),
})

export const unknownConversation = (id: string): Answer =>
  refuse(
    404,
    'unknown_conversation',
    `Conversation ${id} was not opened by this integration (no Botpress conversation is tagged with it); nothing was created`
  )

export const referenceMismatch = (id: string, linked: string): Answer =>
  refuse(
    422,
    'reference_mismatch',
    `The event's reference belongs to conversation ${linked}, not ${id}: echo each conversation's own reference; nothing was changed`
  )

export const closedConversation = (id: string): Answer =>
  refuse(409, 'conversation_closed', `Conversation ${id} is closed: the end user is back with the bot; nothing was created`)

const DEFAULT_RETRY_AFTER_S = 5
const MAX_RETRY_AFTER_S = 300

const retryAfter = (seconds: number | undefined) =>
  String(Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(seconds ?? DEFAULT_RETRY_AFTER_S))))

/** Another request is announcing for this conversation right now; this one will find its result on retry. */
export const inProgress = (id: string, seconds: number): Answer =>
  refuse(503, 'in_progress', `Conversation ${id} is being updated by another delivery; retry after the delay given`, {
    headers: { 'retry-after': retryAfter(seconds) },
  })

/** The answer for a Botpress failure, by its kind: retry later (503), stop (422, naming the cause), or a bug (500). */
export const failureAnswer = (failure: Failure): Answer => {
  switch (failure.kind) {
    case 'retryable':
    case 'unreachable':
      return refuse(503, 'botpress_unavailable', 'Botpress could not process the event now; retry after the delay given', {
        headers: { 'retry-after': retryAfter(failure.retryAfterSeconds) },
      })
    case 'refused':
      return refuse(
        422,
        'botpress_refused',
        `Botpress refused the event (${failure.status ?? '?'}${failure.code ? ` ${failure.code}` : ''}: ${failure.message}); ` +
          'sending it again will not help'
      )
    case 'invalid_answer':
    case 'bug':
      return refuse(500, 'internal_error', 'The integration failed to process the event; its logs say why')
  }
}
