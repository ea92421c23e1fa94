/*
 * Reference helpdesk: sending events to the integration (contract §2, "Helpdesk → integration").
 *
 * One event per request, POSTed as JSON to the webhook URL Botpress gives the integration, signed by the Standard
 * Webhooks scheme with the shared secret. The event `id` doubles as the `webhook-id` header and stays the same on
 * every attempt, which is how the integration drops a redelivery. Each attempt gets a fresh `webhook-timestamp`.
 *
 * Answers: 2xx delivered (`{ ok: true }`, maybe `duplicate: true`); 5xx or no answer at all: retried with
 * exponential backoff (or after `Retry-After` when it is longer), a bounded number of times; any 4xx is final (the
 * integration says "do not retry").
 */
import { signRequest } from '../../contract/signature'
import type { WebhookEvent } from '../../contract/webhook-events'
import type { Delivery } from './store'

export type WebhookRetry = { attempts: number; baseDelayMs: number }
export const defaultWebhookRetry: WebhookRetry = { attempts: 5, baseDelayMs: 500 }

export type SenderOptions = {
  secret: string
  /** read at every send, so the URL can be set after start */
  webhookUrl: () => string | undefined
  retry?: WebhookRetry
  timeoutMs?: number
}

/** An event with its id, which is also the delivery's `webhook-id`. */
export type OutgoingEvent = WebhookEvent & { id: string }
export type SendEvent = (event: OutgoingEvent) => Promise<Delivery>

type Attempt = { status: number; body: unknown; retryAfterMs?: number } | { error: string }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const parseBody = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const describe = (error: unknown): string => {
  const cause = error instanceof Error ? error.cause : undefined
  const code = cause instanceof Error && 'code' in cause ? String(cause.code) : undefined
  return code ?? (error instanceof Error ? error.message : String(error))
}

export const createWebhookSender = (options: SenderOptions): SendEvent => {
  const retry = options.retry ?? defaultWebhookRetry
  const timeoutMs = options.timeoutMs ?? 10_000

  const postOnce = async (url: string, webhookId: string, body: string): Promise<Attempt> => {
    const headers = { 'content-type': 'application/json', ...signRequest(options.secret, webhookId, body) }
    try {
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
      const retryAfter = Number(response.headers.get('retry-after'))
      return {
        status: response.status,
        body: parseBody(await response.text()),
        ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      }
    } catch (error) {
      return { error: describe(error) }
    }
  }

  return async (event) => {
    const startedAt = new Date().toISOString()
    const base = { eventId: event.id, webhookId: event.id, event, ticketId: event.conversationId, startedAt }
    const url = options.webhookUrl()
    if (!url) {
      return { ...base, delivered: false, attempts: 0, error: 'No webhook URL is set', finishedAt: startedAt }
    }
    const body = JSON.stringify(event)
    for (let attempt = 1; ; attempt++) {
      const result = await postOnce(url, event.id, body)
      const retryable = 'error' in result || result.status >= 500
      if (!retryable || attempt >= retry.attempts) {
        const delivered = !('error' in result) && result.status >= 200 && result.status < 300
        return { ...base, url, delivered, attempts: attempt, ...result, finishedAt: new Date().toISOString() }
      }
      // backoff, or longer when the integration says when to come back (Retry-After)
      const backoff = retry.baseDelayMs * 2 ** (attempt - 1) * (1 + Math.random() * 0.2)
      await sleep(Math.max(backoff, 'error' in result ? 0 : (result.retryAfterMs ?? 0)))
    }
  }
}
