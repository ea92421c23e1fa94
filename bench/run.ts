import '../sandbox/allow-loopback-helpdesk'
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { measureApiCalls } from './api-calls'
import { measureBundle, type BundleReport } from './bundle'
import { measureRoundTrips } from './calibration'
import { measureColdStart } from './cold-start'
import { currentLoad, describeMachine } from './machine'
import { measureOutboundThroughput } from './outbound'
import { measureOwnTime } from './own-time'
import { quietConsole, say } from './quiet-console'
import { renderReport } from './report'
import { startRemoteServers, type RemoteServers } from './servers'
import { measureWebhookThroughput, type ThroughputRun } from './webhook-throughput'

/*
 * `npm run bench`: every measurement in turn, then the report, printed. With `--write` (`npm run bench:write`) the
 * report also replaces the tracked docs/performance.md. Loopback addresses only (the helpdesk too, hence the
 * loopback allowance); stops by itself (and after WATCHDOG_MS at the latest).
 */

const WATCHDOG_MS = 170_000
const WARMUP = 300
const EVENTS = { 1: 2000, 32: 3000 } as const
const COLD_START_RUNS = 7
const REPORT = resolve(__dirname, '..', 'docs', 'performance.md')

const USAGE = 'Usage: npm run bench [-- --write]   (--write: also replace docs/performance.md with the report)'

/** `--write` or nothing; anything else is a usage error, so a typo never silently skips the write. */
const parseCommandLine = (argv: string[]): { write: boolean } => {
  try {
    const { values } = parseArgs({ args: argv, options: { write: { type: 'boolean', default: false } } })
    return { write: values.write ?? false }
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`)
    process.exit(2)
  }
}

const main = async () => {
  const { write } = parseCommandLine(process.argv.slice(2))
  const started = performance.now()
  const machine = describeMachine()
  const step = (name: string) => say(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${name}`)
  const restoreConsole = quietConsole()
  let servers: RemoteServers | undefined
  let bundle: BundleReport | undefined
  try {
    step('calls per operation')
    const calls = await measureApiCalls()
    step("the integration's own time (zero-latency stubs)")
    const own = await measureOwnTime()

    step('starting the loopback Botpress API and helpdesk in their own process')
    servers = await startRemoteServers()
    step('loopback HTTP round trip')
    const roundTrips = await measureRoundTrips(servers)
    const webhooks: ThroughputRun[] = []
    const outbound: ThroughputRun[] = []
    for (const concurrency of [1, 32] as const) {
      step(`webhook throughput, concurrency ${concurrency}`)
      webhooks.push(await measureWebhookThroughput(servers, concurrency, WARMUP, EVENTS[concurrency]))
    }
    for (const concurrency of [1, 32] as const) {
      step(`outbound throughput, concurrency ${concurrency}`)
      outbound.push(await measureOutboundThroughput(servers, concurrency, WARMUP, EVENTS[concurrency]))
    }
    step('bundles')
    bundle = await measureBundle()
    step('cold start')
    const cold = await measureColdStart(
      servers,
      [
        { name: 'integration bundle', path: bundle.bundlePath },
        { name: '@botpress/sdk alone (empty handler, no API call)', path: bundle.sdkOnlyPath },
      ],
      COLD_START_RUNS
    )
    const { cleanup: _cleanup, bundlePath: _bundlePath, sdkOnlyPath: _sdk, ...bundleFigures } = bundle

    restoreConsole()
    const markdown = renderReport({
      machine,
      loadAtEnd: currentLoad(),
      durationSeconds: (performance.now() - started) / 1000,
      calls,
      own,
      roundTrips,
      webhooks,
      outbound,
      bundle: bundleFigures,
      cold,
    })
    say(markdown)
    if (write) {
      mkdirSync(resolve(REPORT, '..'), { recursive: true })
      writeFileSync(REPORT, markdown)
      say(`Written to ${REPORT}`)
    } else {
      say(`Not written: run \`npm run bench:write\` (npm run bench -- --write) to replace docs/performance.md with this report.`)
    }
  } finally {
    restoreConsole()
    bundle?.cleanup()
    await servers?.close()
  }
}

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: still running after ${WATCHDOG_MS / 1000} s, stopping\n`)
  process.exit(2)
}, WATCHDOG_MS)
watchdog.unref()

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  }
)
