import { randomUUID } from 'node:crypto'
import type * as bp from '../bp'
import { classify } from '../failures/classify'

/*
 * One announcer per conversation at a time. getOrSetState is atomic: of concurrent requests, the one whose token
 * comes back holds the turn. The holder renews its lease while it works, so a holder stalled in a slow Botpress call
 * (429 with Retry-After, 502 retried) keeps it; only the holder renews it or gives it back.
 *
 * An assignment's turn lapses on its own (Botpress expiry) LEASE_MS after the last renewal: nothing needs to be
 * written when the work is done. A close's turn is kept (no expiry): nothing is announced after a close, and the turn
 * tells a redelivery which delivery closed the conversation; its lease (`leaseUntil`) tells whether that holder is
 * still at work. The `recovery` turn, taken by a redelivery of a close whose holder stopped before announcing, lapses
 * like an assignment's.
 *
 * Whoever holds a turn reads the conversation after taking it, so it sees every earlier holder's writes: those landed
 * before the earlier lease ran out (a holder sends nothing once SAFE_HOLD_MS have passed without a renewal, which
 * leaves a write LEASE_MS - SAFE_HOLD_MS to land).
 */
export const LEASE_MS = 4_000
const RENEW_EVERY_MS = 1_000
const SAFE_HOLD_MS = 2_000
// A helpdesk that does not retry promptly gets the turn back this soon after the work is done (one more call).
const GIVE_BACK_MS = 1_000

export type TurnOwner = { delivery: string; kind: 'assignment' | 'close' }
export type TurnHolder = TurnOwner & { leaseUntil: number }
export type TurnName = 'turn' | 'recovery'

export class TurnLost extends Error {
  constructor(conversationId: string) {
    super(`The announcement turn of conversation ${conversationId} could not be kept (renewal failed); retry later`)
  }
}

export type Turn = {
  /** Before each write: throws TurnLost when the lease may have lapsed. */
  assertHeld(): void
  /** Deletes the turn at once, kept or not: it was taken on a conversation the event turned out not to concern. */
  release(): Promise<void>
}

export type TurnOptions = {
  /** Which turn: the conversation's announcement turn, or the recovery of a close whose holder stopped. */
  name?: TurnName
  /** Kept once taken (a close): never lapses, never given back; its lease only says whether the holder is at work. */
  keep?: boolean
  /** Given back as soon as the work is done, for a helpdesk that would not retry while it is held. */
  giveBack?: boolean
}

export type TurnResult<T> =
  | { taken: true; value: T }
  | { taken: false; holder: TurnHolder; retryAfterSeconds: number; lost?: boolean }

const secondsUntil = (time: number, now: number) => Math.max(1, Math.ceil((time - now) / 1000))

export const withTurn = async <T>(
  client: bp.Client,
  conversationId: string,
  owner: TurnOwner,
  fn: (turn: Turn) => Promise<T>,
  options: TurnOptions = {}
): Promise<TurnResult<T>> => {
  const token = randomUUID()
  const ref = { type: 'conversation', id: conversationId, name: options.name ?? 'turn' } as const
  const expiry = options.keep ? {} : { expiry: LEASE_MS }
  const payloadUntil = (leaseUntil: number) => ({ token, ...owner, leaseUntil })
  const takenAt = Date.now()
  const { state } = await client.getOrSetState({ ...ref, payload: payloadUntil(takenAt + LEASE_MS), ...expiry })
  if (state.payload.token !== token) {
    const { delivery, kind, leaseUntil } = state.payload
    return { taken: false, holder: { delivery, kind, leaseUntil }, retryAfterSeconds: secondsUntil(leaseUntil, Date.now()) }
  }

  let renewedAt = takenAt
  let lost = false
  const holding = () => !lost && Date.now() - renewedAt <= SAFE_HOLD_MS
  // The SDK's integration client has no setStateExpiry: the holder writes its own payload again with a new lease,
  // which it may do only while the lease is surely still its own.
  const renew = async () => {
    if (!holding()) {
      lost = true
      return
    }
    const sentAt = Date.now()
    try {
      await client.setState({ ...ref, payload: payloadUntil(sentAt + LEASE_MS), ...expiry })
      renewedAt = sentAt
    } catch {
      // the next assertHeld decides whether the lease can still be trusted
    }
  }
  const timer = setInterval(() => void renew(), RENEW_EVERY_MS)
  let released = false
  const turn: Turn = {
    assertHeld: () => {
      if (!holding()) throw new TurnLost(conversationId)
    },
    release: async () => {
      clearInterval(timer)
      if (!holding()) return
      released = true
      await client.setState({ ...ref, payload: null })
    },
  }
  // Shortens the lease: an assignment's turn lapses in GIVE_BACK_MS, a kept one shows its holder stopped.
  const giveBack = async () => {
    clearInterval(timer)
    if (!holding()) return
    const payload = payloadUntil(Date.now() + (options.keep ? 0 : GIVE_BACK_MS))
    await client.setState({ ...ref, payload, ...(options.keep ? {} : { expiry: GIVE_BACK_MS }) }).catch(() => undefined)
  }
  let value: T
  try {
    value = await fn(turn)
  } catch (error) {
    // The lease could not be kept: nothing more was written; whoever holds the turn now finishes, retry later.
    if (error instanceof TurnLost) {
      return { taken: false, lost: true, holder: { ...owner, leaseUntil: renewedAt + LEASE_MS }, retryAfterSeconds: LEASE_MS / 1000 }
    }
    // After a failure whose effects are known (the failing call was answered), the next attempt need not wait for the
    // lease; after a timeout or a dropped connection a write may still land, so the lease runs out instead.
    const failure = classify(error)
    if (failure && (failure.status !== undefined || failure.kind === 'bug')) await giveBack()
    throw error
  } finally {
    clearInterval(timer)
  }
  if (options.giveBack && !options.keep && !released) await giveBack()
  return { taken: true, value }
}
