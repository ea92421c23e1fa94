import { RuntimeError } from '@botpress/sdk'
import { isAxiosError } from 'axios'
import { attemptsOf } from './http'
import { redactSecrets } from './redact'

export type CallName = `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} ${string}`

const MAX_MESSAGE = 300

/** What the helpdesk said about the failure: `error.message`, `message`, `error`, or the start of the body. */
const helpdeskMessage = (data: unknown, redact: (text: string) => string): string | undefined => {
  if (data === undefined || data === null || data === '') return undefined
  if (typeof data === 'string') return redact(data).slice(0, MAX_MESSAGE)
  if (typeof data === 'object') {
    const body = data as { error?: unknown; message?: unknown }
    const nested = typeof body.error === 'object' && body.error ? (body.error as { message?: unknown }).message : undefined
    for (const candidate of [nested, body.message, body.error]) {
      if (typeof candidate === 'string' && candidate) return redact(candidate).slice(0, MAX_MESSAGE)
    }
  }
  return redact(JSON.stringify(data)).slice(0, MAX_MESSAGE)
}

const attemptsText = (n: number) => (n === 1 ? '1 attempt' : `${n} attempts`)

export type HelpdeskFailure = { status?: number; code?: string }

export class HelpdeskError extends RuntimeError {
  constructor(
    message: string,
    readonly failure: HelpdeskFailure
  ) {
    super(message)
  }
}

/** A failed helpdesk call as an error that names the call, the status and the helpdesk's message, and no secret. */
export const toHelpdeskError = (call: CallName, error: unknown, secrets: ReadonlyArray<string | undefined>): HelpdeskError => {
  const make = (text: string, failure: HelpdeskFailure) =>
    new HelpdeskError(redactSecrets(`Helpdesk call ${call} ${text}`, secrets), failure)
  if (!isAxiosError(error)) {
    return make(`failed: ${error instanceof Error ? error.message : String(error)}`, {})
  }
  const attempts = attemptsText(attemptsOf(error))
  if (error.response) {
    const { status, statusText } = error.response
    const said = helpdeskMessage(error.response.data, (text) => redactSecrets(text, secrets))
    return make(
      `failed with ${status}${statusText ? ` ${statusText}` : ''}${said ? `: ${said}` : ''} (after ${attempts})`,
      { status }
    )
  }
  const code = error.code ?? 'network error'
  const what =
    code === 'ETIMEDOUT' || code === 'ECONNABORTED'
      ? `timed out after ${error.config?.timeout ?? '?'} ms`
      : code === 'ERR_BAD_RESPONSE'
        ? `answered with a body that could not be read (${error.message})`
        : `could not reach the helpdesk (${code})`
  return make(`${what} (after ${attempts})`, { code })
}

export const invalidAnswerError = (call: CallName, problems: string): HelpdeskError =>
  new HelpdeskError(`Helpdesk call ${call} answered with an unexpected body (${problems}); see the hitl contract`, {})
