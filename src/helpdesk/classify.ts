import type { AxiosError } from 'axios'

/**
 * What a failed helpdesk call means for whoever made it:
 * - `retryable`: the helpdesk answered 408, 429 or 5xx; the same request may succeed later;
 * - `unreachable`: no answer (network, DNS, TLS, timeout); the same request may succeed later;
 * - `refused`: the helpdesk (or the integration, before sending) refused the request; sending it again is useless;
 * - `invalid-answer`: the helpdesk answered 2xx with a body that cannot be read or does not follow the contract; it
 *   may have acted, and asking again does not help.
 */
export type HelpdeskFailureKind = 'retryable' | 'unreachable' | 'refused' | 'invalid-answer'

/** Codes the integration gives a request it refuses to send or to connect for. */
export const LOCAL_REFUSAL_CODES = new Set(['ERR_HITL_ADDRESS_REFUSED', 'ERR_HITL_BODY_TOO_LARGE', 'ERR_HITL_UNSAFE_ID', 'ERR_CANCELED'])

export const classifyStatus = (status: number): HelpdeskFailureKind =>
  status < 300 ? 'invalid-answer' : status === 408 || status === 429 || status >= 500 ? 'retryable' : 'refused'

/** The kind of a failed axios call. */
export const classifyAxiosError = (error: AxiosError): HelpdeskFailureKind => {
  if (error.response) return classifyStatus(error.response.status)
  if (error.code && LOCAL_REFUSAL_CODES.has(error.code)) return 'refused'
  // an answer that could not be read (over the size limit, broken compression) arrives without a response object
  if (error.code === 'ERR_BAD_RESPONSE') return 'invalid-answer'
  return 'unreachable'
}

/** Whether asking again, with the same request, may succeed. */
export const isTransient = (kind: HelpdeskFailureKind): boolean => kind === 'retryable' || kind === 'unreachable'
