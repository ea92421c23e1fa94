import type { z } from '@botpress/sdk'
import type { AxiosInstance } from 'axios'
import type { Config } from '../../config'
import {
  createdResourceSchema,
  createMessageResponseSchema,
  type CloseConversationRequest,
  type CreateConversationRequest,
  type CreateMessageRequest,
  type CreateUserRequest,
} from '../../contract/helpdesk-api'
import { formatIssues } from '../../validation-issues'
import { invalidAnswerError, toHelpdeskError, type CallName } from '../../helpdesk/errors'
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

/** The helpdesk's REST API as the contract defines it; every `webhookId` is derived from Botpress ids so a retry keeps it. */
export const createHelpdeskClient = (config: Config, options: HelpdeskClientOptions = {}) => {
  const http: AxiosInstance = httpFor({
    baseUrl: config.helpdeskUrl,
    headers: config.apiToken ? { authorization: `Bearer ${config.apiToken}` } : {},
    webhookSecret: config.webhookSecret,
    timeoutMs: config.requestTimeoutMs,
    retry: options.retry,
  })
  const secrets = [config.apiToken, config.webhookSecret]

  const send = async <S extends z.ZodTypeAny>(
    method: 'GET' | 'POST',
    path: string,
    webhookId: string,
    body: unknown,
    answer: S | undefined
  ): Promise<z.infer<S>> => {
    const call: CallName = `${method} ${path}`
    let data: unknown
    let status: number
    try {
      const response = await http.request({
        method,
        url: path,
        data: body === undefined ? undefined : JSON.stringify(body),
        helpdeskCall: { name: call, startedAt: Date.now(), webhookId, onRetry: options.onRetry },
      })
      data = response.data
      status = response.status
    } catch (error) {
      throw toHelpdeskError(call, error, secrets)
    }
    if (!answer) return undefined
    const parsed = answer.safeParse(normalizeAnswer(data))
    if (!parsed.success) {
      const problems = formatIssues(parsed.error.issues)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')
      throw invalidAnswerError(call, `${status} ${problems}`)
    }
    return parsed.data
  }

  const enc = encodeURIComponent
  return {
    health: (webhookId: string) => send('GET', '/health', webhookId, undefined, undefined),
    createUser: (body: CreateUserRequest) =>
      send('POST', '/users', `user-${body.botpressUserId}`, body, createdResourceSchema),
    createConversation: (body: CreateConversationRequest) =>
      send('POST', '/conversations', `conversation-${body.botpressConversationId}`, body, createdResourceSchema),
    createMessage: (conversationId: string, body: CreateMessageRequest) =>
      send(
        'POST',
        `/conversations/${enc(conversationId)}/messages`,
        `message-${body.botpressMessageId}`,
        body,
        createMessageResponseSchema
      ),
    closeConversation: (conversationId: string, body: CloseConversationRequest) =>
      send('POST', `/conversations/${enc(conversationId)}/close`, `close-${body.botpressConversationId}`, body, undefined),
  }
}
