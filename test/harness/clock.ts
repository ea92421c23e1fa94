import { vi } from 'vitest'

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
