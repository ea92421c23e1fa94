import { randomBytes } from 'node:crypto'
import { signRequest, type SignatureHeaders } from '../../contract/signature'

/*
 * Raw signed calls, for what the integration's client cannot do on purpose: repeat a request with the same
 * `webhook-id` and compare answers, or send a request with no, a wrong, or a stale signature.
 */

export type RawAnswer = { status: number; text: string; json: unknown }

export type Signing =
  | { kind: 'valid' }
  | { kind: 'none' }
  | { kind: 'wrong-secret' }
  | { kind: 'stale'; ageSeconds: number }

export type RawRequest = {
  method: 'GET' | 'POST'
  path: string
  webhookId: string
  body?: unknown
  signing?: Signing
}

export type RawClient = { call: (request: RawRequest) => Promise<RawAnswer> }

const randomSecret = () => `whsec_${randomBytes(32).toString('base64')}`

const signatureHeaders = (
  secret: string,
  webhookId: string,
  body: string,
  signing: Signing
): SignatureHeaders | Record<string, never> => {
  switch (signing.kind) {
    case 'valid':
      return signRequest(secret, webhookId, body)
    case 'none':
      return {}
    case 'wrong-secret':
      return signRequest(randomSecret(), webhookId, body)
    case 'stale':
      return signRequest(secret, webhookId, body, new Date(Date.now() - signing.ageSeconds * 1000))
  }
}

export const createRawClient = (options: {
  baseUrl: string
  secret: string
  token?: string
  timeoutMs: number
}): RawClient => {
  const base = options.baseUrl.replace(/\/+$/, '')
  return {
    call: async ({ method, path, webhookId, body, signing = { kind: 'valid' } }) => {
      const text = body === undefined ? '' : JSON.stringify(body)
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          'user-agent': 'botpress-hitl-conformance',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...signatureHeaders(options.secret, webhookId, text, signing),
        },
        body: body === undefined ? undefined : text,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      })
      const answer = await response.text()
      let json: unknown
      try {
        json = answer ? JSON.parse(answer) : undefined
      } catch {
        json = undefined
      }
      return { status: response.status, text: answer, json }
    },
  }
}

/** A short, single-line view of an answer for a report. */
export const describeAnswer = (answer: RawAnswer): string => {
  const body = answer.text.replace(/\s+/g, ' ').trim()
  return body ? `${answer.status} ${body.length > 200 ? `${body.slice(0, 200)}…` : body}` : `${answer.status} (empty body)`
}

/** A network failure as a short text (fetch hides the cause one level down). */
export const describeNetworkError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? error.cause : undefined
  const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined
  if (error.name === 'TimeoutError') return 'no answer before the timeout'
  return code ? `${error.message} (${code})` : cause ? `${error.message} (${cause.message})` : error.message
}
