import { Console } from 'node:console'
import { Writable } from 'node:stream'

/*
 * The SDK logger writes every log line with console.info/warn/error. During a measurement the lines are formatted
 * (util.format, as in production) and handed to a stream that drops them: the bench output stays readable, and the
 * cost of the write system call, which depends on where stdout goes, is left out.
 */
type Methods = Pick<Console, 'log' | 'info' | 'warn' | 'error' | 'debug'>
const NAMES = ['log', 'info', 'warn', 'error', 'debug'] as const

export const quietConsole = (): (() => void) => {
  const sink = new Writable({
    write(_chunk: Buffer, _encoding, callback) {
      callback()
    },
  })
  const quiet = new Console({ stdout: sink, stderr: sink })
  const saved: Methods = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug }
  for (const name of NAMES) console[name] = quiet[name].bind(quiet)
  return () => {
    for (const name of NAMES) console[name] = saved[name]
  }
}

/** What the bench itself prints (console.* may be silenced while it measures). */
export const say = (line: string): void => {
  process.stdout.write(`${line}\n`)
}
