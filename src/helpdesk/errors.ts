import { isAxiosError } from 'axios'
import { classify, INVALID_ANSWER_CODE } from '../failures/classify'
import { HelpdeskError, type HelpdeskFailure } from './helpdesk-error'
import { attemptsOf } from './http'
import { redactorFor, type Redact } from './redact'

export type CallName = `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} ${string}`

const MAX_MESSAGE = 300

/** What the helpdesk said about the failure: `error.message`, `message`, `error`, or the start of the body. */
const helpdeskMessage = (data: unknown): string | undefined => {
  if (data === undefined || data === null || data === '') return undefined
  if (typeof data === 'string') return data
  if (typeof data === 'object') {
    const body = data as { error?: unknown; message?: unknown }
    const nested = typeof body.error === 'object' && body.error ? (body.error as { message?: unknown }).message : undefined
    for (const candidate of [nested, body.message, body.error]) {
      if (typeof candidate === 'string' && candidate) return candidate
    }
  }
  return JSON.stringify(data)
}

const attemptsText = (n: number) => (n === 1 ? '1 attempt' : `${n} attempts`)

export { HelpdeskError, type HelpdeskFailure }

const unreadable = (error: { message: string }): string =>
  /maxContentLength/.test(error.message) ? 'it is over 1 MiB (1048576 bytes) once decompressed' : error.message

/**
 * The one place helpdesk errors are built: each names the call and what happened, and goes through the redaction of
 * the configuration's secrets before anyone can log or show it. The helpdesk's own words are redacted before they are
 * cut to length, so that a cut cannot leave part of a secret behind.
 */
export const helpdeskErrors = (secrets: ReadonlyArray<string | undefined>) => {
  const redact: Redact = redactorFor(secrets)
  const make = (call: CallName, text: string, failure: HelpdeskFailure) =>
    new HelpdeskError(redact(`Helpdesk call ${call} ${text}`), failure)
  const said = (data: unknown) => {
    const text = helpdeskMessage(data)
    return text === undefined ? '' : `: ${redact(text).slice(0, MAX_MESSAGE)}`
  }

  return {
    redact,
    /** A call that failed in axios: an answer with an error status, no answer, or an answer that could not be read. */
    fromAxios: (call: CallName, error: unknown): HelpdeskError => {
      if (!isAxiosError(error)) {
        return make(call, `failed: ${error instanceof Error ? error.message : String(error)}`, { kind: 'bug' })
      }
      const { kind, retryAfterSeconds } = classify(error)
      const attempts = attemptsText(attemptsOf(error))
      const response = error.response
      if (kind === 'invalid_answer') {
        const status = response ? `${response.status} ` : ''
        return make(call, `answered ${status}with a body that could not be read: ${unreadable(error)} (after ${attempts})`, {
          kind,
          ...(response ? { status: response.status } : {}),
          ...(error.code ? { code: error.code } : {}),
        })
      }
      if (response) {
        const { status, statusText } = response
        const text = `failed with ${status}${statusText ? ` ${statusText}` : ''}${said(response.data)} (after ${attempts})`
        return make(call, text, { kind, status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) })
      }
      const code = error.code ?? 'network error'
      if (kind === 'refused') return make(call, `was not sent: ${error.message}`, { kind, code })
      const what =
        code === 'ETIMEDOUT' || code === 'ECONNABORTED'
          ? `timed out after ${error.config?.timeout ?? '?'} ms`
          : `could not reach the helpdesk (${code})`
      return make(call, `${what} (after ${attempts})`, { kind, code })
    },
    /** A 2xx answer whose body does not follow the contract. */
    invalidAnswer: (call: CallName, status: number, problems: string): HelpdeskError =>
      make(call, `answered with an unexpected body (${status} ${problems}); see the hitl contract`, {
        kind: 'invalid_answer',
        status,
        code: INVALID_ANSWER_CODE,
      }),
    /** A request the integration refuses to send (too large, an unsafe id in its path). */
    notSent: (call: CallName, reason: string, code: string): HelpdeskError =>
      make(call, `was not sent: ${reason}`, { kind: 'refused', code }),
  }
}
