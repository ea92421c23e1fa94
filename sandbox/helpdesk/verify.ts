/*
 * Reference helpdesk: authenticating the integration's calls (contract §2, "Signature").
 *
 * Every call is signed by the Standard Webhooks scheme with the shared `whsec_...` secret, and checked with the
 * contract's own verifySignature (contract/signature.ts, over the `standardwebhooks` library): HMAC-SHA256 over
 * "<webhook-id>.<webhook-timestamp>.<raw body>", constant-time compare, 300 s window, any of several space-separated
 * signatures (secret rotation). Verify the RAW body bytes, before parsing JSON: re-serialised JSON would not match.
 *
 * Optionally the calls also carry `Authorization: Bearer <apiToken>`, checked here.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

/** `Authorization: Bearer <apiToken>`, compared in constant time (hashing first makes the lengths equal). */
export const verifyBearer = (apiToken: string, authorization: string | undefined): boolean => {
  const match = /^Bearer (.+)$/.exec(authorization ?? '')
  if (!match?.[1]) return false
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(match[1]), digest(apiToken))
}
