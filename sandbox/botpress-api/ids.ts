/**
 * Ids shaped like the real ones: `<prefix>_<ULID>` (26 Crockford base32 chars,
 * 10 for the millisecond timestamp + 16 random), e.g. `user_01JD9V3Q6Z8K2M4N5P7R9S1T3V`.
 */
import { randomBytes } from 'node:crypto'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

let lastTime = -1
let lastRandom: number[] = []

function encodeTime(ms: number): string {
  let out = ''
  let t = ms
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD.charAt(t % 32) + out
    t = Math.floor(t / 32)
  }
  return out
}

function nextRandom(ms: number): number[] {
  if (ms === lastTime && lastRandom.length === 16) {
    // monotonic within the same millisecond: increment the random part
    const next = [...lastRandom]
    for (let i = next.length - 1; i >= 0; i--) {
      const digit = next[i] ?? 0
      if (digit < 31) {
        next[i] = digit + 1
        break
      }
      next[i] = 0
    }
    lastRandom = next
    return next
  }
  lastTime = ms
  lastRandom = Array.from(randomBytes(16), (b) => b % 32)
  return lastRandom
}

export function ulid(ms: number = Date.now()): string {
  return encodeTime(ms) + nextRandom(ms).map((d) => CROCKFORD.charAt(d)).join('')
}

export const ID_PREFIX = {
  user: 'user',
  conversation: 'conv',
  message: 'msg',
  event: 'evt',
  state: 'state',
} as const

export type IdKind = keyof typeof ID_PREFIX

export const newId = (kind: IdKind, ms?: number): string => `${ID_PREFIX[kind]}_${ulid(ms)}`
