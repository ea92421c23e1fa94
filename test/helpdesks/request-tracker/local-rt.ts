import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/*
 * The local Request Tracker that scripts/ensure-request-tracker.sh installs and starts (npm run check runs it first),
 * as that script describes it in .cache/request-tracker.json; and the REST2 calls the tests make as RT's users.
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

const ENV_FILE = process.env.RT_ENV_FILE ?? join(__dirname, '../../../.cache/request-tracker.json')

export const localRt = (): { ok: true; rt: LocalRt } | { ok: false; reason: string } => {
  if (!existsSync(ENV_FILE)) {
    return { ok: false, reason: `no ${ENV_FILE}: run scripts/ensure-request-tracker.sh as root on Debian (npm run check does)` }
  }
  const env = JSON.parse(readFileSync(ENV_FILE, 'utf8')) as Partial<LocalRt> & { skip?: string }
  if (env.skip) return { ok: false, reason: env.skip }
  return { ok: true, rt: env as LocalRt }
}

export type Rest = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => Promise<T>

/** REST2 as one of RT's users: `token` (the integration's API user) or an agent with login and password. */
export const restAs = (rt: LocalRt, who: 'token' | 'agent'): Rest => {
  const authorization =
    who === 'token'
      ? `token ${rt.token}`
      : `Basic ${Buffer.from(`${rt.agent.login}:${rt.agent.password}`).toString('base64')}`
  return async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${rt.url}/REST/2.0${path}`, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`RT ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`)
    return (text ? JSON.parse(text) : {}) as T
  }
}

type Item = { id: string }
type Transaction = { id: string; Type: string; Creator: { id: string }; Data?: string; Field?: string }

/** The ticket's transactions, oldest first, with who made them. */
export const transactionsOf = async (rest: Rest, ticketId: string): Promise<Transaction[]> => {
  const answer = await rest<{ items: Transaction[] }>(
    'POST',
    '/transactions?fields=Type,Creator,Data,Field&per_page=100&orderby=id&order=ASC',
    [
      { field: 'ObjectType', value: 'RT::Ticket' },
      { field: 'ObjectId', value: ticketId },
    ]
  )
  return answer.items
}

/** The text of a transaction's message (the first part with content). */
export const contentOf = async (rest: Rest, transactionId: string): Promise<string> => {
  const attachments = await rest<{ items: Item[] }>('GET', `/transaction/${transactionId}/attachments`)
  for (const { id } of attachments.items) {
    const attachment = await rest<{ Content?: string }>('GET', `/attachment/${id}`)
    if (attachment.Content) return Buffer.from(attachment.Content, 'base64').toString('utf8')
  }
  return ''
}
