import { format } from 'node:util'
import { afterEach, beforeEach, vi } from 'vitest'

/** Keeps the integration's log lines (the SDK logs through console) out of the test output, for a test to read. */
export const useCapturedLogs = () => {
  const state = { lines: [] as string[] }
  beforeEach(() => {
    state.lines = []
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void state.lines.push(format(...args)))
    }
  })
  afterEach(() => vi.restoreAllMocks())
  return state
}
