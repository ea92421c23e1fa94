import type { LocalRt } from '../../../sandbox/request-tracker/local-rt'

/* REST2 calls the tests make as RT's users (the integration's token, or the agent). */

export { localRt, type LocalRt } from '../../../sandbox/request-tracker/local-rt'

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

/** The text of each transaction's message (its first part with content), fetched in one search. */
export const contentsOf = async (rest: Rest, transactionIds: string[]): Promise<string[]> => {
  const first = Math.min(...transactionIds.map(Number))
  const answer = await rest<{ items: Array<{ TransactionId: string; Content?: string }> }>(
    'POST',
    '/attachments?fields=TransactionId,Content&per_page=100&orderby=id&order=ASC',
    [{ field: 'TransactionId', operator: '>=', value: String(first) }]
  )
  return transactionIds.map((id) => answer.items.find((item) => item.TransactionId === id && item.Content)?.Content ?? '')
}
