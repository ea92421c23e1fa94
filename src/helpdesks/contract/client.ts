import { z } from '@botpress/sdk'
import type { AxiosInstance } from 'axios'
import type { Config } from '../../config'
import {
  createdResourceSchema,
  createMessageResponseSchema,
  MAX_REQUEST_BYTES,
  type CloseConversationRequest,
  type CreateConversationRequest,
  type CreateMessageRequest,
  type CreateUserRequest,
} from '../../../contract/helpdesk-api'
import { pathSegment, UnsafeIdError } from '../../../contract/helpdesk-id'
import { helpdeskErrors, type CallName } from '../../helpdesk/errors'
import { readAnswer, sendCall } from '../../helpdesk/call'
import { httpFor, type RetryListener, type RetryPolicy } from '../../helpdesk/http'

export type HelpdeskClient = ReturnType<typeof createHelpdeskClient>

/** Leniency a helpdesk team would expect: an empty or non-JSON 2xx body counts as `{}`, a numeric id as a string. */
const normalizeAnswer = (data: unknown): unknown => {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return {}
  const id = (data as { id?: unknown }).id
  return typeof id === 'number' && Number.isFinite(id) ? { ...data, id: String(id) } : data
}

export type HelpdeskClientOptions = {
  retry?: RetryPolicy
  onRetry?: RetryListener
}

const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`

/** The helpdesk's REST API as the contract defines it; every `webhookId` is derived from Botpress ids so a retry keeps it. */
/**
 * The answer to `POST /conversations/{id}/messages` is not required: the integration keeps no helpdesk message id, so
 * an answer without one, or with one it could not use, never fails a message that the helpdesk accepted. The
 * conformance checker reads the id when there is one, to check that a retry answers the same message.
 */
const messageAnswer = z.unknown().transform((data) => {
  const parsed = createMessageResponseSchema.safeParse(data)
  return parsed.success ? parsed.data : {}
})

export const createHelpdeskClient = (config: Config, options: HelpdeskClientOptions = {}) => {
  const http: AxiosInstance = httpFor({
    baseUrl: config.helpdeskUrl,
    headers: config.apiToken ? { authorization: `Bearer ${config.apiToken}` } : {},
    webhookSecret: config.webhookSecret,
    timeoutMs: config.requestTimeoutMs,
    retry: options.retry,
  })
  const errors = helpdeskErrors([config.apiToken, config.webhookSecret])

  const send = async <S extends z.ZodTypeAny>(
    method: 'GET' | 'POST',
    path: string,
    webhookId: string,
    body: unknown,
    answer: S | undefined
  ): Promise<z.infer<S>> => {
    const call: CallName = `${method} ${path}`
    const data = body === undefined ? undefined : JSON.stringify(body)
    const size = data === undefined ? 0 : Buffer.byteLength(data)
    if (size > MAX_REQUEST_BYTES) {
      // the contract bounds request bodies; a helpdesk would refuse it on every attempt, so it is not sent at all
      throw errors.notSent(
        call,
        `its body is ${kib(size)}, over the ${kib(MAX_REQUEST_BYTES)} the hitl contract allows a request`,
        'ERR_HITL_BODY_TOO_LARGE'
      )
    }
    const { data: received, status } = await sendCall(http, errors, call, {
      method,
      url: path,
      data,
      webhookId,
      onRetry: options.onRetry,
    })
    if (!answer) return undefined
    return readAnswer(answer, normalizeAnswer(received), (problems) => errors.invalidAnswer(call, status, problems))
  }

  /** `template` with `{id}` replaced by the id, URL-encoded; an id that is not a safe helpdesk id is never sent. */
  const pathWith = (method: 'POST', template: `/${string}{id}${string}`, id: string): string => {
    try {
      return template.replace('{id}', pathSegment(id))
    } catch (error) {
      if (!(error instanceof UnsafeIdError)) throw error
      throw errors.notSent(`${method} ${template}`, `${error.message}`, 'ERR_HITL_UNSAFE_ID')
    }
  }

  return {
    health: (webhookId: string) => send('GET', '/health', webhookId, undefined, undefined),
    createUser: (body: CreateUserRequest) =>
      send('POST', '/users', `user-${body.botpressUserId}`, body, createdResourceSchema),
    createConversation: (body: CreateConversationRequest) =>
      send('POST', '/conversations', `conversation-${body.botpressConversationId}`, body, createdResourceSchema),
    createMessage: (conversationId: string, body: CreateMessageRequest) =>
      send(
        'POST',
        pathWith('POST', '/conversations/{id}/messages', conversationId),
        `message-${body.botpressMessageId}`,
        body,
        messageAnswer
      ),
    closeConversation: (conversationId: string, body: CloseConversationRequest) =>
      send(
        'POST',
        pathWith('POST', '/conversations/{id}/close', conversationId),
        `close-${body.botpressConversationId}`,
        body,
        undefined
      ),
  }
}
