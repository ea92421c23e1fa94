/*
 * Observes the integration's calls to the helpdesk for the hop log, without standing between them: the integration
 * is configured with the helpdesk's own URL, and Node's HTTP client diagnostics channels report each request to
 * that origin and path prefix (its answer's status, or the network error).
 */
import { channel } from 'node:diagnostics_channel'
import type { ClientRequest, IncomingMessage } from 'node:http'

export type HelpdeskCall = { method: string; path: string; ms: number } & ({ status: number } | { error: string })

const START = 'http.client.request.start'
const ANSWER = 'http.client.response.finish'
const ERROR = 'http.client.request.error'

type StartMessage = { request: ClientRequest }
type AnswerMessage = { request: ClientRequest; response: IncomingMessage }
type ErrorMessage = { request: ClientRequest; error: Error & { code?: string } }

/** Calls `onCall` once per request the process sends under `baseUrl`; returns the function that stops it. */
export const observeHelpdeskCalls = (baseUrl: string, onCall: (call: HelpdeskCall) => void): (() => void) => {
  let base: URL
  try {
    base = new URL(baseUrl)
  } catch {
    return () => {}
  }
  const prefix = base.pathname.replace(/\/+$/, '')
  const started = new WeakMap<ClientRequest, number>()
  const relativePath = (request: ClientRequest): string | undefined => {
    if (request.protocol !== base.protocol || String(request.getHeader('host') ?? '') !== base.host) return undefined
    const path = request.path.split('?')[0] ?? ''
    if (path !== prefix && !path.startsWith(`${prefix}/`)) return undefined
    return path.slice(prefix.length) || '/'
  }
  const report = (request: ClientRequest, outcome: { status: number } | { error: string }) => {
    const at = started.get(request)
    const path = relativePath(request)
    if (at === undefined || path === undefined) return
    started.delete(request)
    onCall({ method: request.method, path, ms: Date.now() - at, ...outcome })
  }

  const onStart = (message: unknown) => {
    const { request } = message as StartMessage
    if (relativePath(request) !== undefined) started.set(request, Date.now())
  }
  const onAnswer = (message: unknown) => {
    const { request, response } = message as AnswerMessage
    report(request, { status: response.statusCode ?? 0 })
  }
  const onError = (message: unknown) => {
    const { request, error } = message as ErrorMessage
    report(request, { error: error.code ?? error.message })
  }
  // The channel objects are held here: Node 20 can collect a channel nobody references, and its subscribers with it.
  const subscriptions = [
    [channel(START), onStart],
    [channel(ANSWER), onAnswer],
    [channel(ERROR), onError],
  ] as const
  for (const [named, listener] of subscriptions) named.subscribe(listener)
  return () => {
    for (const [named, listener] of subscriptions) named.unsubscribe(listener)
  }
}
