import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** How far X-Chatwoot-Timestamp may be from now, either way. */
export const SIGNATURE_WINDOW_SECONDS = 300

export type SignatureCheck =
  | { ok: true; signed: boolean }
  | { ok: false; reason: string }

/** `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<raw body>` under the inbox's webhook secret, as Chatwoot signs. */
export const chatwootSignature = (secret: string, timestamp: string, rawBody: string) =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex')}`

const sameText = (a: string, b: string) => {
  // equal-length digests compared in constant time; hashing first makes the lengths equal
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()
  return timingSafeEqual(digest(a), digest(b))
}

/**
 * Checks a delivery's signature over the raw body (never a re-serialized one). Unsigned deliveries pass only when the
 * admin opted into them, for Chatwoot older than 4.13; a signature that is present but wrong is always refused.
 */
export const checkSignature = (options: {
  secret: string | undefined
  allowUnsigned: boolean
  headers: Record<string, string | undefined>
  rawBody: string
  nowSeconds: number
}): SignatureCheck => {
  const signature = options.headers['x-chatwoot-signature']
  const timestamp = options.headers['x-chatwoot-timestamp']
  if (!signature) {
    return options.allowUnsigned
      ? { ok: true, signed: false }
      : { ok: false, reason: 'no X-Chatwoot-Signature header (Chatwoot signs API inbox webhooks since 4.13)' }
  }
  if (!options.secret) {
    return { ok: false, reason: 'the webhook is signed but no webhook secret is configured: copy the inbox\'s secret into the integration' }
  }
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'X-Chatwoot-Timestamp is missing or not a Unix time in seconds' }
  }
  if (Math.abs(options.nowSeconds - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) {
    return { ok: false, reason: `X-Chatwoot-Timestamp is more than ${SIGNATURE_WINDOW_SECONDS} s away from the current time` }
  }
  if (!sameText(signature, chatwootSignature(options.secret, timestamp, options.rawBody))) {
    return { ok: false, reason: "X-Chatwoot-Signature does not match the configured webhook secret" }
  }
  return { ok: true, signed: true }
}
