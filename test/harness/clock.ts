import { afterEach, beforeEach } from 'vitest'
import { installClock } from '../../src/helpdesk/clock'

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
