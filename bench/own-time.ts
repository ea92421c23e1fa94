import { createHmac, timingSafeEqual } from 'node:crypto'
import { Client } from '@botpress/client'
import type { Request, Response } from '@botpress/sdk'
import { parseConfiguration } from '../src/config'
import { createMessageResponseSchema } from '../contract/helpdesk-api'
import { createHelpdeskClient } from '../src/helpdesks/contract/client'
import { signRequest, verifySignature } from '../contract/signature'
import integration from '../src/index'
import { parseEvent } from '../src/helpdesks/contract/parse-event'
import { benchConfig, messageCreatedEvent, outboundRequest, webhookRequest, type Target } from './requests'
import { allocationByOwner, cpuByOwner, runQueueWaitNs, watchGc, type GcReport, type Share } from './profile'
import { microMean, runLoad, summaryOf, type Summary } from './stats'
import { installStubs, STUB_API_URL, STUB_HELPDESK_URL, type StubCounts } from './stub-api'

/*
 * "The integration's own time": `integration.handler` against Botpress API and helpdesk answers prepared in-process
 * with zero latency (see stub-api.ts), so the latency is the handler's CPU time alone, at concurrency 1. Then the
 * same steps timed one by one, to show where that time goes.
 */

export type Step = { step: string; where: string; microseconds: number }
/** `waitedMs`: time the main thread spent runnable but waiting for a CPU during the round (Linux only) */
export type Round = { p50: number; p99: number; p99WithoutGc: number; requestsHitByGc: number; waitedMs: number | undefined; seconds: number }
export type OwnTimeOf = {
  /** the round whose p99 is the median of the rounds' (with its GC figures) */
  latency: Summary
  gc: GcReport
  rounds: Round[]
  calls: Record<string, number>
  cpu: Share[]
  allocation: Share[]
  steps: Step[]
}
export type OwnTime = { webhook: OwnTimeOf; outbound: OwnTimeOf }

const WARMUP = 1000
const ROUNDS = 3
const COUNT = 2000
const PROFILED = 2000
const TOTAL = WARMUP + ROUNDS * COUNT + 2 * PROFILED

const isOk = (res: Response | void, what: string) => {
  const status = (res && res.status) ?? 200
  if (status !== 200 || (res && res.body && res.body.includes('"duplicate"'))) {
    throw new Error(`${what}: unexpected answer ${status} ${res ? res.body : ''}`)
  }
}

const perCall = (counts: Map<string, number>, n: number) =>
  Object.fromEntries([...counts].map(([operation, total]) => [operation, total / n]))

export const measureOwnTime = async (): Promise<OwnTime> => {
  const previousUrl = process.env.BP_API_URL
  process.env.BP_API_URL = STUB_API_URL
  const { counts, uninstall } = installStubs()
  const target: Target = { botId: 'bot_bench_own', config: benchConfig(STUB_HELPDESK_URL) }
  try {
    // ----- webhook: message.created, distinct message ids, concurrency 1
    const webhooks: Request[] = Array.from({ length: TOTAL }, (_, i) =>
      webhookRequest(messageCreatedEvent('hd_conv_stub', `hd_own_${i}`), target, `wh_own_${i}`)
    )
    const webhook = await measure(webhooks, counts, 'webhook', () => webhookSteps(target, webhooks[0] as Request))

    // ----- outbound: text messages relayed to the helpdesk, concurrency 1
    const hitl = { id: 'conv_stub', tags: { id: 'hd_conv_stub' } }
    const outbound: Request[] = Array.from({ length: TOTAL }, (_, i) =>
      outboundRequest('text', { text: `hello ${i}` }, hitl, `msg_own_${i}`, target)
    )
    const relayed = await measure(outbound, counts, 'outbound', () => outboundSteps(target))
    if (counts.unexpected.length) throw new Error(`unexpected requests: ${counts.unexpected.slice(0, 3).join(', ')}`)
    return { webhook, outbound: relayed }
  } finally {
    uninstall()
    if (previousUrl === undefined) delete process.env.BP_API_URL
    else process.env.BP_API_URL = previousUrl
  }
}

/**
 * Warm-up, then ROUNDS timed rounds (GC watched): the round with the median p99 is reported, so that one burst of
 * other processes' work on the machine does not decide the figure alone. Then a CPU-profiled run and an
 * allocation-profiled run.
 */
const measure = async (
  requests: Request[],
  counts: StubCounts,
  what: string,
  steps: () => Step[]
): Promise<OwnTimeOf> => {
  const send = (offset: number) => (i: number) => integration.handler(requests[offset + i] as Request)
  const check = (res: Response | void) => isOk(res, what)
  await runLoad(WARMUP, 1, send(0), check)
  counts.botpress.clear()
  counts.helpdesk.clear()
  const measured: Array<{ latency: Summary; gc: GcReport; waitedMs: number | undefined }> = []
  for (let round = 0; round < ROUNDS; round++) {
    const gc = watchGc()
    const waitedBefore = runQueueWaitNs()
    const run = await runLoad(COUNT, 1, send(WARMUP + round * COUNT), check)
    const waitedAfter = runQueueWaitNs()
    measured.push({
      latency: summaryOf(run),
      gc: await gc.finish(COUNT, run.starts, run.latencies),
      waitedMs: waitedBefore === undefined || waitedAfter === undefined ? undefined : (waitedAfter - waitedBefore) / 1e6,
    })
  }
  const calls = { ...perCall(counts.botpress, ROUNDS * COUNT), ...perCall(counts.helpdesk, ROUNDS * COUNT) }
  const byP99 = [...measured].sort((a, b) => a.latency.p99 - b.latency.p99)
  const reported = byP99[Math.floor(byP99.length / 2)] ?? measured[0]
  if (!reported) throw new Error('no round measured')
  const loop = (offset: number) => async () => {
    for (let i = 0; i < PROFILED; i++) check(await integration.handler(requests[offset + i] as Request))
  }
  const profiledFrom = WARMUP + ROUNDS * COUNT
  const cpu = await cpuByOwner(PROFILED, loop(profiledFrom))
  const allocation = await allocationByOwner(PROFILED, loop(profiledFrom + PROFILED))
  return {
    latency: reported.latency,
    gc: reported.gc,
    rounds: measured.map(({ latency, gc, waitedMs }) => ({
      p50: latency.p50,
      p99: latency.p99,
      p99WithoutGc: gc.p99WithoutGc,
      requestsHitByGc: gc.requestsHitByGc,
      waitedMs,
      seconds: latency.seconds,
    })),
    calls,
    cpu,
    allocation,
    steps: steps(),
  }
}

const N = 3000

/** The steps a message.created webhook goes through, each timed alone (mean µs per call, warm). */
const webhookSteps = (target: Target, sample: Request): Step[] => {
  const outer = sample.body ?? '{}'
  const configHeader = sample.headers['x-bp-configuration'] ?? ''
  const inner = (JSON.parse(outer) as { req: { body: string; headers: Record<string, string> } }).req
  const config = parseConfiguration(target.config)
  const log = `Webhook message.created evt_x for conversation hd_conv_stub: 200 {"ok":true}`
  return [
    {
      step: 'read the x-bp-* headers (base64 JSON configuration)',
      where: '@botpress/sdk',
      microseconds: microMean(() => JSON.parse(Buffer.from(configHeader, 'base64').toString('utf8')), N),
    },
    {
      step: 'new Botpress client for the request',
      where: '@botpress/sdk',
      microseconds: microMean(
        () => new Client({ botId: target.botId, integrationId: 'int', integrationAlias: 'hitl', headers: {} }),
        N
      ),
    },
    { step: 'parse the operation body (JSON)', where: '@botpress/sdk', microseconds: microMean(() => JSON.parse(outer), N) },
    {
      step: 'parseConfiguration (zod + new URL + new Webhook)',
      where: 'src/config.ts',
      microseconds: microMean(() => parseConfiguration(target.config), N),
    },
    {
      step: 'verifySignature (HMAC-SHA256)',
      where: 'contract/signature.ts',
      microseconds: microMean(() => verifySignature(config.webhookSecret, inner.body, inner.headers), N),
    },
    {
      step: 'for comparison: the same HMAC-SHA256 check with node:crypto',
      where: '(not used by src/)',
      microseconds: microMean(() => {
        const key = Buffer.from(config.webhookSecret.slice('whsec_'.length), 'base64')
        const id = inner.headers['webhook-id'] ?? ''
        const timestamp = inner.headers['webhook-timestamp'] ?? ''
        const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${inner.body}`).digest()
        const given = Buffer.from((inner.headers['webhook-signature'] ?? '').split(',')[1] ?? '', 'base64')
        return given.length === expected.length && timingSafeEqual(given, expected)
      }, N),
    },
    { step: 'parseEvent (JSON + zod schema)', where: 'src/helpdesks/contract/parse-event.ts', microseconds: microMean(() => parseEvent(inner.body), N) },
    { step: 'one log line (util.format + write)', where: '@botpress/sdk logger', microseconds: microMean(() => console.info(log), N) },
  ]
}

/** The steps of relaying one outbound message, each timed alone. */
const outboundSteps = (target: Target): Step[] => {
  const config = parseConfiguration(target.config)
  const body = JSON.stringify({ botpressMessageId: 'msg_1', author: { type: 'user', botpressUserId: 'user_1' }, type: 'text', payload: { text: 'hello' }, text: 'hello' })
  return [
    {
      step: 'parseConfiguration (zod + new URL + new Webhook)',
      where: 'src/config.ts (helpdeskFor)',
      microseconds: microMean(() => parseConfiguration(target.config), N),
    },
    {
      step: 'createHelpdeskClient (axios.create + axios-retry)',
      where: 'src/helpdesks/contract/client.ts, http.ts',
      microseconds: microMean(() => createHelpdeskClient(config), N),
    },
    {
      step: 'signRequest (HMAC-SHA256)',
      where: 'contract/signature.ts',
      microseconds: microMean(() => signRequest(config.webhookSecret, 'message-msg_1', body), N),
    },
    {
      step: 'validate the answer (zod)',
      where: 'src/helpdesks/contract/client.ts',
      microseconds: microMean(() => createMessageResponseSchema.safeParse({ id: 'hd_1' }), N),
    },
  ]
}
