import { errorFrom, InvalidPayloadError, RateLimitedError, ResourceNotFoundError, UnknownError } from '@botpress/client'
import { AxiosError, AxiosHeaders } from 'axios'
import { describe, expect, it } from 'vitest'
import { classify, INVALID_ANSWER_CODE, isTransient, parseRetryAfter } from '../../src/failures/classify'
import { HelpdeskError } from '../../src/helpdesk/errors'

const axiosAnswer = (status: number, headers: Record<string, string> = {}) => {
  const config = { headers: new AxiosHeaders() }
  return new AxiosError(`Request failed with status code ${status}`, undefined, config, undefined, {
    status,
    statusText: '',
    headers,
    config,
    data: '',
  })
}
const network = (code: string) => new AxiosError(`connect ${code}`, code)

describe('one classification for every failure', () => {
  it('Botpress API errors: 5xx and 429 retry, other 4xx are refusals', () => {
    expect(classify(new RateLimitedError('slow down'))).toMatchObject({ kind: 'retryable', source: 'botpress', status: 429 })
    expect(classify(errorFrom({ id: 'e', code: 502, type: 'Internal', message: 'bad gateway' })).kind).toBe('retryable')
    expect(classify(new ResourceNotFoundError('no conversation'))).toMatchObject({
      kind: 'refused',
      status: 404,
      code: 'ResourceNotFound',
    })
    expect(classify(new InvalidPayloadError('tags.id too long')).kind).toBe('refused')
  })

  it('Botpress network failures (wrapped by @botpress/client) are unreachable or retryable by their code', () => {
    expect(classify(new UnknownError('refused', network('ECONNREFUSED')))).toMatchObject({ kind: 'unreachable', code: 'ECONNREFUSED' })
    expect(classify(new UnknownError('reset', network('ECONNRESET'))).kind).toBe('retryable')
    expect(classify(new UnknownError('gateway', axiosAnswer(503, { 'retry-after': '7' })))).toMatchObject({
      kind: 'retryable',
      status: 503,
      retryAfterSeconds: 7,
    })
  })

  it('helpdesk errors: status, network code and unusable answers', () => {
    expect(classify(new HelpdeskError('Helpdesk call POST /users failed with 503', { status: 503 })).kind).toBe('retryable')
    expect(classify(new HelpdeskError('Helpdesk call POST /users failed with 408', { status: 408 })).kind).toBe('retryable')
    expect(classify(new HelpdeskError('failed with 400', { status: 400 }))).toMatchObject({ kind: 'refused', source: 'helpdesk' })
    expect(classify(new HelpdeskError('failed with 413', { status: 413 })).kind).toBe('refused')
    expect(classify(new HelpdeskError('could not reach', { code: 'ENOTFOUND' })).kind).toBe('unreachable')
    expect(classify(new HelpdeskError('timed out', { code: 'ECONNABORTED' })).kind).toBe('retryable')
    expect(classify(new HelpdeskError('unreadable', { code: 'ERR_BAD_RESPONSE' })).kind).toBe('invalid_answer')
    expect(classify(new HelpdeskError('wrong shape', { code: INVALID_ANSWER_CODE })).kind).toBe('invalid_answer')
    expect(classify(new HelpdeskError('answered 201 with a body over 1 MiB', { status: 201 })).kind).toBe('invalid_answer')
  })

  it('raw axios errors (the HTTP client retry condition), with Retry-After', () => {
    expect(classify(axiosAnswer(429, { 'retry-after': '6' }))).toMatchObject({ kind: 'retryable', retryAfterSeconds: 6 })
    expect(classify(axiosAnswer(404)).kind).toBe('refused')
    expect(classify(network('EAI_AGAIN')).kind).toBe('unreachable')
    expect(classify(network('ETIMEDOUT')).kind).toBe('retryable')
    expect(classify(new AxiosError('maxContentLength size of 1048576 exceeded', 'ERR_BAD_RESPONSE')).kind).toBe('invalid_answer')
  })

  it('a 5xx answer (which axios also codes ERR_BAD_RESPONSE) stays retryable; the integration\'s own refusals are refused', () => {
    const fiveHundred = axiosAnswer(500)
    fiveHundred.code = 'ERR_BAD_RESPONSE'
    expect(classify(fiveHundred)).toMatchObject({ kind: 'retryable', status: 500 })
    const unreadable201 = axiosAnswer(201)
    unreadable201.code = 'Z_DATA_ERROR'
    expect(classify(unreadable201).kind).toBe('invalid_answer')
    for (const code of ['ERR_HITL_ADDRESS_REFUSED', 'ERR_HITL_BODY_TOO_LARGE', 'ERR_HITL_UNSAFE_ID']) {
      expect(classify(network(code)).kind).toBe('refused')
      expect(classify(new HelpdeskError('was not sent', { code })).kind).toBe('refused')
    }
    expect(classify(new HelpdeskError('classified when built', { kind: 'unreachable', code: 'ECONNRESET' })).kind).toBe('unreachable')
  })

  it('anything else is a bug; transient means retryable or unreachable', () => {
    expect(classify(new TypeError("Cannot read properties of undefined (reading 'id')"))).toMatchObject({
      kind: 'bug',
      source: 'integration',
    })
    expect(classify('a string').kind).toBe('bug')
    expect(isTransient(classify(network('ECONNREFUSED')))).toBe(true)
    expect(isTransient(classify(new ResourceNotFoundError('x')))).toBe(false)
  })

  it('Retry-After in seconds or as an HTTP date', () => {
    expect(parseRetryAfter('6')).toBe(6)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(10)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })
})
