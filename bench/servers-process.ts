import { createInterface } from 'node:readline'
import { startBotpressApi } from '../sandbox/botpress-api'
import { startFakeHelpdesk } from '../kit/fake-helpdesk/fake-helpdesk'
import { BENCH_SECRET } from './requests'

/*
 * Child process of the bench: the loopback Botpress API (no added latency) and the fake helpdesk in its cheap mode, in a process of
 * their own so that the throughput runs measure the integration's process alone, as in production where both are
 * remote. Prints their URLs as one JSON line, then answers commands on stdin, one per line:
 *   `calls`  -> one JSON line: calls received per operation since the last `reset`
 *   `reset`  -> forgets the recorded calls; answers `{}`
 * and exits when its stdin closes (the bench ended or died).
 */
const count = (operations: readonly string[]) => {
  const counts: Record<string, number> = {}
  for (const operation of operations) counts[operation] = (counts[operation] ?? 0) + 1
  return counts
}

const main = async () => {
  const api = await startBotpressApi({ log: () => undefined })
  const helpdesk = await startFakeHelpdesk({ secret: BENCH_SECRET, cheap: true })
  process.stdout.write(`${JSON.stringify({ apiUrl: api.url, helpdeskUrl: helpdesk.url })}\n`)
  const lines = createInterface({ input: process.stdin })
  lines.on('line', (line) => {
    const command = line.trim()
    if (command === 'calls') {
      const answer = { botpress: count(api.calls.map((c) => c.operation)), helpdesk: { ...helpdesk.counts } }
      process.stdout.write(`${JSON.stringify(answer)}\n`)
    } else if (command === 'reset') {
      api.resetCalls()
      helpdesk.resetCalls()
      process.stdout.write('{}\n')
    }
  })
  lines.on('close', () => process.exit(0))
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
