import { WebhookVerificationError } from 'standardwebhooks'
import { webhookFor } from '../../webhook-signer'

export type Verification = { ok: true; webhookId: string } | { ok: false; reason: string }

const header = (headers: Record<string, string | undefined>, name: string) => headers[name] ?? headers[name.toLowerCase()]

/**
 * Standard Webhooks verification over the raw body: constant-time compare, 300 s window, any of several signatures.
 * JSON is parsed afterwards, so that a forged request (401) is never confused with a signed body that is not JSON (400).
 */
export const verifySignature = (
  secret: string,
  rawBody: string,
  headers: Record<string, string | undefined>
): Verification => {
  const webhookId = header(headers, 'webhook-id')
  const timestamp = header(headers, 'webhook-timestamp')
  const signature = header(headers, 'webhook-signature')
  if (!webhookId || !timestamp || !signature) {
    return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' }
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp is not a Unix time in seconds' }
  try {
    webhookFor(secret).verify(
      rawBody,
      { 'webhook-id': webhookId, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
      { jsonParse: false }
    )
    return { ok: true, webhookId }
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      const reason = /too (old|new)/.test(error.message)
        ? 'webhook-timestamp is more than 300 s away from the current time'
        : 'no signature matches the configured secret'
      return { ok: false, reason }
    }
    throw error
  }
}
