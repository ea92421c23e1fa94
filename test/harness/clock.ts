import { setImmediate as nextTurn, setTimeout as realSleep } from 'node:timers/promises'
import { afterEach, beforeEach, vi } from 'vitest'
import { installClock } from '../../src/helpdesk/clock'

/** How long the work must have been waiting on nothing but timers before the clock jumps. */
const SETTLE_MS = 5

/**
 * Runs `work` with a fake setTimeout that jumps to the next timer whenever the work has been idle for a moment, so
 * that retry backoff and polling take no real time. Sockets, servers and Date stay real: a socket timeout (node's
 * own timers) still takes its real time, and code that measures elapsed time sees real time.
 *
 * Not with nock: nock runs its sockets' timeouts and `.delay()` on setTimeout, so the clock would jump over a
 * reply still on its way.
 */
export const withoutWaiting = async <T>(work: () => Promise<T>): Promise<T> => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  try {
    let settled = false
    const result = work().finally(() => {
      settled = true
    })
    while (!settled) {
      // node:timers/promises keeps the real timers: pending I/O gets its turn before the clock moves on
      for (let turn = 0; turn < 10 && !settled; turn++) await nextTurn()
      if (!settled) await realSleep(SETTLE_MS)
      if (!settled && vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync()
    }
    return await result
  } finally {
    vi.useRealTimers()
  }
}

/**
 * The helpdesk client's backoff waits, skipped: each wait returns at once and moves the client's clock forward by
 * its length, so the retry budget is spent as in production while the test takes no time. `waits` lists them.
 */
export const useSkippedWaits = () => {
  /** `stretch`: extra time each wait moves the clock, so that a test reaches the end of the retry budget sooner */
  const state = { waits: [] as number[], skipped: 0, stretch: 0 }
  let restore = () => {}
  beforeEach(() => {
    state.waits = []
    state.skipped = 0
    state.stretch = 0
    restore = installClock({
      now: () => Date.now() + state.skipped,
      sleep: async (ms) => {
        state.waits.push(ms)
        state.skipped += ms + state.stretch
      },
    })
  })
  afterEach(() => restore())
  return state
}
