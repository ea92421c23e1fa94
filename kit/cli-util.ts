import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export type Io = {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: Record<string, string | undefined>
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
}

/** Exit code for a command line that cannot be run as given. */
export const USAGE_ERROR = 2

export class UsageError extends Error {}

const real = (path: string) => {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

/** True when the module at `moduleUrl` is the script node was started with (not imported by a test). */
export const isMain = (moduleUrl: string): boolean =>
  !!process.argv[1] && real(fileURLToPath(moduleUrl)) === real(process.argv[1])

/** Runs a CLI's main and sets the exit code; an unexpected error is printed and exits 1. */
export const runMain = (main: (argv: string[], io: Io) => Promise<number>): void => {
  main(process.argv.slice(2), processIo).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exitCode = 1
    }
  )
}
