import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'

export type CallCounts = { botpress: Record<string, number>; helpdesk: Record<string, number> }

export type RemoteServers = {
  apiUrl: string
  helpdeskUrl: string
  pid: number | undefined
  /** calls the servers received since the last reset, per operation */
  calls(): Promise<CallCounts>
  resetCalls(): Promise<void>
  close(): Promise<void>
}

const ROOT = resolve(__dirname, '..')

/** Starts bench/servers-process.ts in its own Node process (via tsx) and waits for its URLs. */
export const startRemoteServers = async (): Promise<RemoteServers> => {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'servers-process.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const { stdin, stdout } = child
  if (!stdin || !stdout) throw new Error('the servers process has no stdio')
  const waiting: Array<(line: string) => void> = []
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  createInterface({ input: stdout }).on('line', (line) => waiting.shift()?.(line))
  const nextLine = (timeoutMs: number) =>
    new Promise<string>((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`the servers process did not answer within ${timeoutMs} ms`)), timeoutMs)
      waiting.push((line) => {
        clearTimeout(timer)
        resolveLine(line)
      })
      void exited.then(() => reject(new Error(`the servers process exited (${child.exitCode})`)))
    })
  const ask = async (command: string) => {
    const answer = nextLine(10_000)
    stdin.write(`${command}\n`)
    return answer
  }

  let urls: { apiUrl: string; helpdeskUrl: string }
  try {
    urls = JSON.parse(await nextLine(30_000)) as { apiUrl: string; helpdeskUrl: string }
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    ...urls,
    pid: child.pid,
    calls: async () => JSON.parse(await ask('calls')) as CallCounts,
    resetCalls: async () => {
      await ask('reset')
    },
    close: async () => {
      if (child.exitCode !== null) return
      const kill = setTimeout(() => child.kill('SIGKILL'), 3000)
      stdin.end()
      await exited
      clearTimeout(kill)
    },
  }
}
