import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/*
 * The local Request Tracker that scripts/ensure-request-tracker.sh installs and starts (npm run check runs it first),
 * as that script describes it in .cache/request-tracker.json. RT's hitl scrip posts to `webhookUrl`, a fixed loopback
 * address on which whoever runs the integration locally (the tests, the sandbox) listens.
 */

export type LocalRt = {
  url: string
  token: string
  queue: string
  apiUser: string
  agent: { login: string; password: string; id: string; name: string }
  webhookUrl: string
  webhookPort: number
  webhookSecret: string
}

const ENV_FILE = process.env.RT_ENV_FILE ?? join(__dirname, '../../.cache/request-tracker.json')

export const localRt = (): { ok: true; rt: LocalRt } | { ok: false; reason: string } => {
  if (!existsSync(ENV_FILE)) {
    return { ok: false, reason: `no ${ENV_FILE}: run scripts/ensure-request-tracker.sh as root on Debian (npm run check does)` }
  }
  const env = JSON.parse(readFileSync(ENV_FILE, 'utf8')) as Partial<LocalRt> & { skip?: string }
  if (env.skip) return { ok: false, reason: env.skip }
  return { ok: true, rt: env as LocalRt }
}
