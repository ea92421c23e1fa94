/*
 * The integration runs in the sandbox's own process and logs through `console` (the SDK's logger). Its lines are
 * routed to a sink while it handles a request, so the sandbox prints them in its own format (or not at all) instead
 * of as unformatted lines between the hop log's.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { format } from 'node:util'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogSink = (level: LogLevel, message: string) => void

const LEVELS: Record<'debug' | 'info' | 'log' | 'warn' | 'error', LogLevel> = {
  debug: 'debug',
  info: 'info',
  log: 'info',
  warn: 'warn',
  error: 'error',
}

const current = new AsyncLocalStorage<LogSink>()
let installed = false

/** Wraps the console once: inside `withLogSink`, a console line goes to the sink; elsewhere, to the console. */
const install = () => {
  if (installed) return
  installed = true
  for (const [method, level] of Object.entries(LEVELS) as Array<[keyof typeof LEVELS, LogLevel]>) {
    const original = console[method].bind(console)
    console[method] = (...args: unknown[]) => {
      const sink = current.getStore()
      if (sink) sink(level, format(...args))
      else original(...args)
    }
  }
}

export const withLogSink = <T>(sink: LogSink, run: () => Promise<T>): Promise<T> => {
  install()
  return current.run(sink, run)
}
