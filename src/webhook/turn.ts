import { randomUUID } from 'node:crypto'
import type * as bp from '../bp'
import { classify } from '../failures/classify'

/*
 * One announcer per conversation at a time. getOrSetState is atomic: of concurrent requests, the one whose token
 * comes back holds the turn. The turn is a lease (LEASE_MS) that the holder renews while it works, so a holder
 * stalled in a slow Botpress call (429 with Retry-After, 502 retried) keeps it; a holder that died stops renewing and
 * the turn lapses. Only the holder renews or gives the turn back, and only while its own renewals have kept the lease.
 *
 * The holder gives the turn back when it is done (unless the turn is terminal: nothing follows a close) and after a
 * failure whose effects are known (the failing call was answered); after a timeout or a dropped connection a write
 * may still land, so the lease lapses instead. Giving back shortens the lease to GIVE_BACK_MS rather than deleting
 * it, so that what a holder wrote is at least that old when the next one starts: a request that looked at the
 * conversation less than GIVE_BACK_MS before taking the turn saw every earlier holder's writes, and one that looked
 * earlier reads it again.
 */
export const LEASE_MS = 10_000
export const GIVE_BACK_MS = 1_000
const RENEW_EVERY_MS = 2_500
// Past this time without a successful renewal, neither a write nor a renewal is sent: what is sent then must land
// before the lease could lapse (LEASE_MS after the last renewal), which leaves it 4 s.
const SAFE_HOLD_MS = 6_000

export type TurnOwner = { delivery: string; kind: 'assignment' | 'close' }

export class TurnLost extends Error {
  constructor(conversationId: string) {
    super(`The announcement turn of conversation ${conversationId} could not be kept (renewal failed); retry later`)
  }
}

export type Turn = {
  /** Before each write: throws TurnLost when the lease may have lapsed. */
  assertHeld(): void
  /** Whether what was read at `readAt` (epoch ms) still shows every earlier holder's writes. */
  isFresh(readAt: number): boolean
}

export type TurnResult<T> = { taken: true; value: T } | { taken: false; holder: TurnOwner; retryAfterSeconds: number }

export const withTurn = async <T>(
  client: bp.Client,
  conversationId: string,
  owner: TurnOwner & { terminal?: boolean },
  fn: (turn: Turn) => Promise<T>
): Promise<TurnResult<T>> => {
  const token = randomUUID()
  const ref = { type: 'conversation', id: conversationId, name: 'turn' } as const
  const { state } = await client.getOrSetState({
    ...ref,
    payload: { token, delivery: owner.delivery, kind: owner.kind },
    expiry: LEASE_MS,
  })
  if (state.payload.token !== token) {
    const { delivery, kind } = state.payload
    return { taken: false, holder: { delivery, kind }, retryAfterSeconds: Math.ceil(GIVE_BACK_MS / 1000) }
  }

  let renewedAt = Date.now()
  let lost = false
  const payload = { token, delivery: owner.delivery, kind: owner.kind }
  // The SDK's integration client has no setStateExpiry: the holder writes its own payload again with a new expiry,
  // which it may do only while the lease is surely still its own.
  const renew = async () => {
    if (lost || Date.now() - renewedAt > SAFE_HOLD_MS) {
      lost = true
      return
    }
    const sentAt = Date.now()
    try {
      await client.setState({ ...ref, payload, expiry: LEASE_MS })
      renewedAt = sentAt
    } catch {
      // the next assertHeld decides whether the lease can still be trusted
    }
  }
  const timer = setInterval(() => void renew(), RENEW_EVERY_MS)
  const takenAt = Date.now()
  const turn: Turn = {
    isFresh: (readAt) => takenAt - readAt < GIVE_BACK_MS,
    assertHeld: () => {
      if (lost || Date.now() - renewedAt > SAFE_HOLD_MS) throw new TurnLost(conversationId)
    },
  }
  const giveBack = async () => {
    clearInterval(timer)
    if (lost || Date.now() - renewedAt > SAFE_HOLD_MS) return
    await client.setState({ ...ref, payload, expiry: GIVE_BACK_MS }).catch(() => undefined)
  }
  let value: T
  try {
    value = await fn(turn)
  } catch (error) {
    // The lease could not be kept: nothing more was written; whoever holds the turn now finishes, retry later.
    if (error instanceof TurnLost) return { taken: false, holder: owner, retryAfterSeconds: Math.ceil(LEASE_MS / 1000) }
    const failure = classify(error)
    if (failure && (failure.status !== undefined || failure.kind === 'bug')) await giveBack()
    throw error
  } finally {
    clearInterval(timer)
  }
  if (!owner.terminal) await giveBack()
  return { taken: true, value }
}
