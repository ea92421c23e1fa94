import { Webhook, WebhookVerificationError } from 'standardwebhooks'

/*
 * Signing and verifying the contract's requests, both directions, by the Standard Webhooks scheme: HMAC-SHA256 over
 * "<webhook-id>.<webhook-timestamp>.<raw body>" with the shared `whsec_` secret. The integration signs its calls and
 * verifies the helpdesk's webhooks with it; the reference helpdesk, the conformance kit and send-webhook do the other
 * side with the same functions.
 *
 * `new Webhook(secret)` is built on each call rather than cached: it only decodes the secret, about 1-2 µs on the
 * bench machine, against 16 µs for the HMAC check itself and ~500 µs for a whole webhook request.
 */

export type SignatureHeaders = {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

export type Verification = { ok: true; webhookId: string } | { ok: false; reason: string }

/** Whether the secret is a Standard Webhooks secret (`whsec_` then base64, or bare base64) that can sign. */
export const isSigningSecret = (secret: string): boolean => {
  try {
    new Webhook(secret)
    return true
  } catch {
    return false
  }
}

/** Standard Webhooks headers for one request; each attempt gets a fresh timestamp, the id stays. */
export const signRequest = (secret: string, webhookId: string, body: string, now = new Date()): SignatureHeaders => ({
  'webhook-id': webhookId,
  'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
  'webhook-signature': new Webhook(secret).sign(webhookId, now, body),
})

type Headers = Record<string, string | readonly string[] | undefined>

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name] ?? headers[name.toLowerCase()]
  return typeof value === 'string' ? value : value?.[0]
}

/**
 * Standard Webhooks verification over the raw body: constant-time compare, 300 s window, any of several signatures.
 * JSON is parsed afterwards, so that a forged request (401) is never confused with a signed body that is not JSON (400).
 */
export const verifySignature = (secret: string, rawBody: string | Buffer, headers: Headers): Verification => {
  const webhookId = header(headers, 'webhook-id')
  const timestamp = header(headers, 'webhook-timestamp')
  const signature = header(headers, 'webhook-signature')
  if (!webhookId || !timestamp || !signature) {
    return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' }
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp is not a Unix time in seconds' }
  try {
    new Webhook(secret).verify(
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
