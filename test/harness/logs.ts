import { format } from 'node:util'
import { beforeEach } from 'vitest'

/*
 * The integration logs through the SDK's logger, which writes to the console. Loaded as a setup file (see
 * vitest.config.mts), this keeps each test's console lines so that the test can assert on them with `logged()`.
 * The lines still go on to vitest, which prints them only for a failing test (`silent: 'passed-only'`): a passing
 * run is quiet, a failure shows what the integration said.
 */

const LEVELS = ['debug', 'info', 'log', 'warn', 'error', 'trace'] as const
export type LogLevel = (typeof LEVELS)[number]
export type LogLine = { level: LogLevel; text: string }

// shared by every copy of this module in the worker (the setup file's and the test file's import)
const KEY = Symbol.for('hitl.test.logCapture')
type Capture = { lines: LogLine[]; console?: Console }
const holder = globalThis as typeof globalThis & { [KEY]?: Capture }
const capture: Capture = (holder[KEY] ??= { lines: [] })

if (capture.console !== console) {
  capture.console = console
  for (const level of LEVELS) {
    const forward = console[level].bind(console)
    console[level] = (...args: unknown[]) => {
      capture.lines.push({ level, text: format(...args) })
      forward(...args)
    }
  }
}

beforeEach(() => {
  capture.lines = []
})

/** The console lines of the running test so far, oldest first; only those at the given levels if any are given. */
export const logged = (...levels: LogLevel[]): string[] =>
  capture.lines.filter((line) => levels.length === 0 || levels.includes(line.level)).map((line) => line.text)
