import type { Request } from '@botpress/sdk'
import { benchConfig, outboundRequest, type Target } from './requests'
import type { RemoteServers } from './servers'
import { timedRun, type ThroughputRun } from './webhook-throughput'

/*
 * Outbound messages per second and latency through `integration.handler` (`x-bp-operation: message_created`, the
 * plugin relaying an end-user text message), against the fake helpdesk (cheap mode) in its own process.
 */
export const measureOutboundThroughput = async (
  servers: RemoteServers,
  concurrency: number,
  warmup: number,
  count: number
): Promise<ThroughputRun> => {
  process.env.BP_API_URL = servers.apiUrl
  const target: Target = { botId: `bot_bench_outbound_c${concurrency}`, config: benchConfig(servers.helpdeskUrl) }
  const hitl = { id: `conv_bench_c${concurrency}`, tags: { id: `hd_conv_c${concurrency}` } }
  const requests: Request[] = Array.from({ length: warmup + count }, (_, i) =>
    outboundRequest('text', { text: `Message ${i}` }, hitl, `msg_c${concurrency}_${i}`, target)
  )
  return timedRun(servers, requests, concurrency, warmup, 'outbound')
}
