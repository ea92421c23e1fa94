import { createHash } from 'node:crypto'

/**
 * A short, stable fingerprint of a request (128 bits of SHA-256, base64url): the same input gives the same key, so a
 * retried action finds the Botpress user or conversation its earlier attempt made, and any difference gives another.
 */
export const requestKey = (request: unknown): string =>
  createHash('sha256').update(JSON.stringify(request)).digest('base64url').slice(0, 22)
