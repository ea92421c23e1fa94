/**
 * Time as the helpdesk client sees it: the retry budget reads `now`, the backoff waits with `sleep`. Production uses
 * the real clock; tests install one whose `sleep` returns at once and moves `now` forward, so that a test of a
 * backoff does not wait for it.
 */
export type Clock = { now(): number; sleep(ms: number): Promise<void> }

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

let current: Clock = realClock

export const clock = (): Clock => current

/** Replaces the clock until the returned function is called. */
export const installClock = (replacement: Clock): (() => void) => {
  current = replacement
  return () => {
    current = realClock
  }
}
