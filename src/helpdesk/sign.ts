import { webhookFor } from '../webhook-signer'

export type SignatureHeaders = {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

/** Standard Webhooks headers for one request; each attempt gets a fresh timestamp, the id stays. */
export const signRequest = (secret: string, webhookId: string, body: string, now = new Date()): SignatureHeaders => ({
  'webhook-id': webhookId,
  'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
  'webhook-signature': webhookFor(secret).sign(webhookId, now, body),
})
