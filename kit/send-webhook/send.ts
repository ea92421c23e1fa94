import { randomUUID } from 'node:crypto'
import type { WebhookEvent } from '../../contract/webhook-events'
import { signRequest } from '../../contract/signature'

export type SentWebhook = {
  webhookId: string
  requestHeaders: Record<string, string>
  requestBody: string
  status: number
  responseBody: string
}

export const newWebhookId = () => `wh_${randomUUID()}`

/** The headers and raw body of one signed delivery (Standard Webhooks), as the helpdesk must send it. */
export const signedDelivery = (secret: string, event: WebhookEvent, webhookId: string, now = new Date()) => {
  const body = JSON.stringify(event)
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'botpress-hitl-send-webhook',
      ...signRequest(secret, webhookId, body, now),
    },
  }
}

/** POSTs the event, signed, to the integration's webhook URL and returns its answer. */
export const sendWebhook = async (options: {
  url: string
  secret: string
  event: WebhookEvent
  webhookId?: string
  timeoutMs?: number
}): Promise<SentWebhook> => {
  const webhookId = options.webhookId ?? newWebhookId()
  const { body, headers } = signedDelivery(options.secret, options.event, webhookId)
  const response = await fetch(options.url, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  })
  return { webhookId, requestHeaders: headers, requestBody: body, status: response.status, responseBody: await response.text() }
}
