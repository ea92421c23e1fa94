import { afterEach, beforeEach, vi } from 'vitest'
import { installClock } from '../../src/helpdesk/clock'

/**
 * Runs `work` on a fake clock (setTimeout and Date) that jumps to the next timer whenever the work is waiting on
 * nothing else, so that retry backoff takes no real time while sockets and servers stay real. Waits keep their
 * order and their length as the code sees it (Date moves with the jumps).
 */
export const withoutWaiting = async <T>(work: () => Promise<T>): Promise<T> => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  try {
    let settled = false
    const result = work().finally(() => {
      settled = true
    })
    while (!settled) {
      // real I/O (a refused connection, a loopback answer) gets its turn before the clock moves on
      await new Promise((resolve) => setImmediate(resolve))
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
