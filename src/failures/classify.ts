import { isApiError } from '@botpress/client'
import { isAxiosError, type AxiosError } from 'axios'
import { HelpdeskError } from '../helpdesk/helpdesk-error'

/*
 * The one place where a failure is classified, whoever raised it: the Botpress API (@botpress/client's errors, which
 * wrap network failures in an UnknownError), the helpdesk (HelpdeskError, whose `failure` carries the status or the
 * network code), or a raw axios error (the helpdesk HTTP client's retry condition). Every caller decides from the
 * kind alone: retry, answer 503, answer a 4xx that names the cause, or report a bug.
 */

export type FailureKind =
  /** May succeed if tried again later: 5xx, 408, 429 (with its Retry-After), a timeout, a dropped connection. */
  | 'retryable'
  /** The other side could not be reached at all (refused, DNS, TLS); worth retrying later, worth telling an admin. */
  | 'unreachable'
  /** A 4xx that asking again cannot change (400, 401, 403, 404, 409, 413, 422, ...). */
  | 'refused'
  /** A 2xx whose body breaks the contract or could not be read (too large, not JSON, wrong shape). */
  | 'invalid_answer'
  /** Anything else: a defect in this integration. */
  | 'bug'

export type Failure = {
  kind: FailureKind
  /** Who failed: the Botpress API, the helpdesk, or neither (a bug here). */
  source: 'botpress' | 'helpdesk' | 'integration'
  /** HTTP status of the failed answer, when there was one. */
  status?: number
  /** Network error code (ECONNREFUSED, ETIMEDOUT, ...) or Botpress error type (ResourceNotFound, ...). */
  code?: string
  /** Seconds the other side asked us to wait (Retry-After), when it said so. */
  retryAfterSeconds?: number
  /** What failed, for logs and answers; already free of secrets when the error was. */
  message: string
}

/** The code an invalid (2xx but unusable) helpdesk answer carries in `HelpdeskError.failure.code`. */
export const INVALID_ANSWER_CODE = 'invalid_answer'

/** Connection could not be opened: retrying soon rarely helps, and an admin may have to fix the URL or the network. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
])

/** The request may or may not have been received: a timeout or a connection lost mid-way. */
const TRANSIENT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ECONNRESET', 'EPIPE', 'ESOCKETTIMEDOUT', 'ERR_NETWORK'])

/**
 * Requests the integration itself refuses to send or to connect for: a helpdesk address its rules forbid, a body
 * over the contract's limit, an id that would change the path, a cancelled call. Sending again changes nothing.
 */
const REFUSED_CODES = new Set(['ERR_HITL_ADDRESS_REFUSED', 'ERR_HITL_BODY_TOO_LARGE', 'ERR_HITL_UNSAFE_ID', 'ERR_CANCELED'])

/** An answer that arrived but could not be read (over the size limit, broken encoding). */
const UNREADABLE_CODES = new Set(['ERR_BAD_RESPONSE', 'Z_DATA_ERROR', 'Z_BUF_ERROR', 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED'])

/** The kind of an HTTP status; 2xx means the answer itself was unusable. */
export const kindOfStatus = (status: number): FailureKind => {
  if (status >= 200 && status < 300) return 'invalid_answer'
  if (status === 408 || status === 429 || status >= 500) return 'retryable'
  if (status >= 400) return 'refused'
  return 'bug'
}

const kindOfCode = (code: string | undefined): FailureKind | undefined => {
  if (code === undefined) return undefined
  if (code === INVALID_ANSWER_CODE || UNREADABLE_CODES.has(code)) return 'invalid_answer'
  if (REFUSED_CODES.has(code)) return 'refused'
  if (UNREACHABLE_CODES.has(code)) return 'unreachable'
  if (TRANSIENT_CODES.has(code)) return 'retryable'
  return undefined
}

/** Retry-After as seconds: a number of seconds or an HTTP date; undefined when absent or unreadable. */
export const parseRetryAfter = (value: unknown, now = Date.now()): number | undefined => {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined
  const text = String(value).trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text))
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

const fromAxios = (error: AxiosError, source: Failure['source']): Failure => {
  const status = error.response?.status
  const retryAfterSeconds = parseRetryAfter(error.response?.headers?.['retry-after'])
  const base = { source, message: messageOf(error), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) }
  // An answer that could not be read is reported as such, not as the status it came with.
  // axios also gives ERR_BAD_RESPONSE to every 5xx answer: only without a status, or with a 2xx, is it a read failure
  const unreadable =
    kindOfCode(error.code) === 'invalid_answer' && error.code !== undefined && (status === undefined || status < 300)
  if (status !== undefined && !unreadable) return { ...base, kind: kindOfStatus(status), status }
  return { ...base, kind: kindOfCode(error.code) ?? 'retryable', ...(error.code ? { code: error.code } : {}) }
}

/** Classifies any thrown value. Never throws. */
export const classify = (error: unknown): Failure => {
  if (error instanceof HelpdeskError) {
    // the helpdesk client classified the failure when it built the error (through this module)
    const { status, code, retryAfterSeconds } = error.failure
    const kind = error.failure.kind ?? kindOfCode(code) ?? (status !== undefined ? kindOfStatus(status) : 'bug')
    return {
      kind,
      source: 'helpdesk',
      message: error.message,
      ...(status !== undefined ? { status } : {}),
      ...(code ? { code } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    }
  }
  if (isApiError(error)) {
    // A network failure or an answer that was not a Botpress error body arrives as an UnknownError wrapping axios's.
    const inner = error.error
    if (inner && isAxiosError(inner)) return { ...fromAxios(inner, 'botpress'), message: error.message }
    return { kind: kindOfStatus(error.code), source: 'botpress', status: error.code, code: error.type, message: error.message }
  }
  if (isAxiosError(error)) return fromAxios(error, 'helpdesk')
  return { kind: 'bug', source: 'integration', message: messageOf(error) }
}

/** Worth trying again later (now or after Retry-After): retryable and unreachable failures. */
export const isTransient = (failure: Failure): boolean => failure.kind === 'retryable' || failure.kind === 'unreachable'
