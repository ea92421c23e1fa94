import { Client } from '@botpress/client'
import type { Request, Response } from '@botpress/sdk'
import integration from '../src/index'
import { actionRequest, benchConfig, historyFor, INTEGRATION_ID, messageCreatedEvent, webhookRequest, type Target } from './requests'
import type { RemoteServers } from './servers'
import { runLoad, summaryOf, type Summary } from './stats'

/*
 * Webhook events per second and latency through `integration.handler`, with the loopback Botpress API in its own
 * process: message.created events with distinct message ids (each one creates a message), after a warm-up.
 */

export type ThroughputRun = {
  concurrency: number
  warmup: number
  summary: Summary
  /** CPU time of the integration's process (user + system) per request, ms */
  cpuMsPerRequest: number
  /** calls the loopback servers received per request during the timed run */
  botpressCallsPerRequest: number
  helpdeskCallsPerRequest: number
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0)

/** Warm-up, then the timed run, with the integration process' CPU time and the calls the servers received. */
export const timedRun = async (
  servers: RemoteServers,
  requests: readonly Request[],
  concurrency: number,
  warmup: number,
  what: string
): Promise<ThroughputRun> => {
  const check = expectOk(what)
  const count = requests.length - warmup
  await runLoad(warmup, concurrency, (i) => integration.handler(requests[i] as Request), check)
  await servers.resetCalls()
  const cpu = process.cpuUsage()
  const run = await runLoad(count, concurrency, (i) => integration.handler(requests[warmup + i] as Request), check)
  const used = process.cpuUsage(cpu)
  const calls = await servers.calls()
  return {
    concurrency,
    warmup,
    summary: summaryOf(run),
    cpuMsPerRequest: (used.user + used.system) / 1000 / count,
    botpressCallsPerRequest: total(calls.botpress) / count,
    helpdeskCallsPerRequest: total(calls.helpdesk) / count,
  }
}

export const expectOk = (what: string) => (res: Response | void) => {
  const status = (res && res.status) ?? 200
  if (status !== 200 || (res && res.body && res.body.includes('"duplicate"'))) {
    throw new Error(`${what}: unexpected answer ${status} ${res ? res.body : ''}`)
  }
}

const outputOf = <T>(res: Response | void): T => {
  if (!res || (res.status ?? 200) !== 200 || !res.body) throw new Error(`action failed: ${res?.status} ${res?.body}`)
  return (JSON.parse(res.body) as { output: T }).output
}

/** Opens a hitl conversation the way the plugin does (createUser, startHitl) and answers its helpdesk id. */
export const openConversation = async (servers: RemoteServers, target: Target): Promise<{ conversationId: string; ticketId: string }> => {
  const { userId } = outputOf<{ userId: string }>(await integration.handler(actionRequest('createUser', { name: 'Ada' }, target)))
  const { conversationId } = outputOf<{ conversationId: string }>(
    await integration.handler(actionRequest('startHitl', { userId, messageHistory: historyFor(userId) }, target))
  )
  const client = new Client({ apiUrl: servers.apiUrl, botId: target.botId, integrationId: INTEGRATION_ID })
  const { conversation } = await client.getConversation({ id: conversationId })
  const ticketId = conversation.tags.id
  if (!ticketId) throw new Error('startHitl left no helpdesk id')
  return { conversationId, ticketId }
}

export const measureWebhookThroughput = async (
  servers: RemoteServers,
  concurrency: number,
  warmup: number,
  count: number
): Promise<ThroughputRun> => {
  process.env.BP_API_URL = servers.apiUrl
  // A bot of its own per run: the loopback API scans a bot's messages on every get-or-create.
  const target: Target = { botId: `bot_bench_webhooks_c${concurrency}`, config: benchConfig(servers.helpdeskUrl) }
  const { ticketId } = await openConversation(servers, target)
  const requests: Request[] = Array.from({ length: warmup + count }, (_, i) =>
    webhookRequest(messageCreatedEvent(ticketId, `hd_c${concurrency}_${i}`), target, `wh_c${concurrency}_${i}`)
  )
  return timedRun(servers, requests, concurrency, warmup, 'webhook')
}
