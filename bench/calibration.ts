import { Agent, request } from 'node:http'
import axios from 'axios'
import type { RemoteServers } from './servers'
import { runLoad } from './stats'

/*
 * What one loopback HTTP round trip costs on this machine, to read the loopback figures with: `GET /health` on the
 * fake helpdesk (in the servers process), once with node:http and a keep-alive agent, once with axios (which
 * the Botpress client and the helpdesk client both use), sequentially.
 */
export type RoundTrip = { client: string; p50: number; p99: number; cpuMicrosPerRequest: number }

const COUNT = 1000
const WARMUP = 200

export const measureRoundTrips = async (servers: RemoteServers): Promise<RoundTrip[]> => {
  const url = new URL(`${servers.helpdeskUrl}/health`)
  const agent = new Agent({ keepAlive: true })
  const plain = () =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'GET', agent }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
      req.end()
    })
  const instance = axios.create({ httpAgent: agent })
  const viaAxios = async () => (await instance.get(url.href)).status
  const results: RoundTrip[] = []
  try {
    for (const [client, call] of [
      ['node:http, keep-alive', plain],
      ['axios, keep-alive', viaAxios],
    ] as const) {
      const check = (status: number) => {
        if (status !== 200) throw new Error(`round trip answered ${status}`)
      }
      await runLoad(WARMUP, 1, call, check)
      const cpu = process.cpuUsage()
      const run = await runLoad(COUNT, 1, call, check)
      const used = process.cpuUsage(cpu)
      results.push({ client, p50: run.p50, p99: run.p99, cpuMicrosPerRequest: (used.user + used.system) / COUNT })
    }
  } finally {
    agent.destroy()
  }
  return results
}
