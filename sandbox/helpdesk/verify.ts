/*
 * Reference helpdesk: authenticating the integration's calls (contract §2, "Signature").
 *
 * Every call is signed by the Standard Webhooks scheme with the shared `whsec_...` secret. The `standardwebhooks`
 * library does the work: HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<raw body>", constant-time compare,
 * 300 s window, any of several space-separated signatures (secret rotation). Verify the RAW body bytes, before
 * parsing JSON: re-serialised JSON would not match the signature.
 *
 * Optionally the calls also carry `Authorization: Bearer <apiToken>`.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'

export type Check = { ok: true; webhookId: string } | { ok: false; message: string }

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)

export const verifySignature = (secret: string, rawBody: Buffer, headers: IncomingHttpHeaders): Check => {
  const webhookId = single(headers['webhook-id'])
  const timestamp = single(headers['webhook-timestamp'])
  const signature = single(headers['webhook-signature'])
  if (!webhookId || !timestamp || !signature) {
    return { ok: false, message: 'Missing webhook-id, webhook-timestamp or webhook-signature header' }
  }
  try {
    new Webhook(secret).verify(
      rawBody,
      { 'webhook-id': webhookId, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
      { jsonParse: false }
    )
    return { ok: true, webhookId }
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error
    const stale = /too (old|new)/.test(error.message)
    return {
      ok: false,
      message: stale ? 'webhook-timestamp is more than 300 s away from this server clock' : 'No signature matches the shared secret',
    }
  }
}

/** `Authorization: Bearer <apiToken>`, compared in constant time (hashing first makes the lengths equal). */
export const verifyBearer = (apiToken: string, authorization: string | undefined): boolean => {
  const match = /^Bearer (.+)$/.exec(authorization ?? '')
  if (!match?.[1]) return false
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(match[1]), digest(apiToken))
}
