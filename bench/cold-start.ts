import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { benchConfig, messageCreatedEvent, webhookRequest, type Target } from './requests'
import type { RemoteServers } from './servers'
import { median } from './stats'
import { openConversation } from './webhook-throughput'

/*
 * Cold start: a fresh `node` process loads the bundle and answers one signed message.created webhook through
 * `handler` (2 calls to the loopback Botpress API), timed from spawn to the answer arriving in the bench, median of
 * several runs. Beside it: `node` alone (spawn to first output), and the child's own clock (from its process start)
 * for loading the bundle and for answering the first request.
 */

export type ColdStartRun = { totalMs: number; loadMs: number; firstRequestMs: number }
export type ColdStart = {
  runs: number
  nodeAloneMs: number
  bundles: Array<{ bundle: string; medianTotalMs: number; medianLoadMs: number; medianFirstRequestMs: number; all: ColdStartRun[] }>
}

const MARK = 'BENCH_RESULT '

const CHILD = `'use strict'
const { performance } = require('node:perf_hooks')
const request = JSON.parse(process.env.BENCH_REQUEST)
const start = performance.now()
const integration = require(process.env.BENCH_BUNDLE).default
const loaded = performance.now()
integration.handler(request).then((res) => {
  const answered = performance.now()
  process.stdout.write('${MARK}' + JSON.stringify({ status: res && res.status, body: res && res.body, loadMs: loaded - start, firstRequestMs: answered - loaded }) + '\\n')
  process.exit(0)
}, (error) => {
  process.stdout.write('${MARK}' + JSON.stringify({ error: String(error) }) + '\\n')
  process.exit(1)
})
`

type ChildAnswer = { status?: number; body?: string; loadMs?: number; firstRequestMs?: number; error?: string }

/** Spawns `node args`, resolves with the time from spawn to the first stdout line that starts with `mark`. */
const timeUntilLine = (args: string[], env: NodeJS.ProcessEnv, mark: string) =>
  new Promise<{ ms: number; line: string }>((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] })
    let buffered = ''
    let done = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('cold start: no answer within 20 s'))
    }, 20_000)
    child.stdout.on('data', (chunk: Buffer) => {
      if (done) return
      buffered += chunk.toString('utf8')
      for (const line of buffered.split('\n')) {
        if (line.startsWith(mark)) {
          done = true
          clearTimeout(timer)
          resolve({ ms: performance.now() - started, line: line.slice(mark.length) })
          return
        }
      }
    })
    child.once('exit', (code) => {
      if (done) return
      clearTimeout(timer)
      reject(new Error(`cold start: child exited (${code}) without answering`))
    })
  })

export const measureColdStart = async (
  servers: RemoteServers,
  bundles: ReadonlyArray<{ name: string; path: string }>,
  runs: number
): Promise<ColdStart> => {
  const target: Target = { botId: 'bot_bench_cold', config: benchConfig(servers.helpdeskUrl) }
  process.env.BP_API_URL = servers.apiUrl
  const { ticketId } = await openConversation(servers, target)
  const first = bundles[0]
  if (!first) throw new Error('no bundle to start')
  const childPath = join(dirname(first.path), 'cold-start-child.cjs')
  writeFileSync(childPath, CHILD)

  const baseEnv: NodeJS.ProcessEnv = { ...process.env, BP_API_URL: servers.apiUrl }
  delete baseEnv.NODE_OPTIONS
  const nodeAlone: number[] = []
  for (let i = 0; i < runs; i++) {
    nodeAlone.push((await timeUntilLine(['-e', `process.stdout.write('${MARK}{}\\n')`], baseEnv, MARK)).ms)
  }

  // The bundles take turns, run after run, so that a change in the machine's load weighs on all of them alike.
  let n = 0
  const all = bundles.map(() => [] as ColdStartRun[])
  for (let i = 0; i < runs; i++) {
    for (const [b, bundle] of bundles.entries()) {
      const request = webhookRequest(messageCreatedEvent(ticketId, `hd_cold_${++n}`), target, `wh_cold_${n}`)
      const env = { ...baseEnv, BENCH_BUNDLE: bundle.path, BENCH_REQUEST: JSON.stringify(request) }
      const { ms, line } = await timeUntilLine([childPath], env, MARK)
      const answer = JSON.parse(line) as ChildAnswer
      if (answer.error || answer.status !== 200 || (answer.body ?? '').includes('duplicate')) {
        throw new Error(`cold start of ${bundle.name}: unexpected answer ${line}`)
      }
      all[b]?.push({ totalMs: ms, loadMs: answer.loadMs ?? Number.NaN, firstRequestMs: answer.firstRequestMs ?? Number.NaN })
    }
  }
  const results: ColdStart['bundles'] = bundles.map((bundle, b) => {
    const runsOf = all[b] ?? []
    return {
      bundle: bundle.name,
      medianTotalMs: median(runsOf.map((r) => r.totalMs)),
      medianLoadMs: median(runsOf.map((r) => r.loadMs)),
      medianFirstRequestMs: median(runsOf.map((r) => r.firstRequestMs)),
      all: runsOf,
    }
  })
  return { runs, nodeAloneMs: median(nodeAlone), bundles: results }
}
