import nock, { type ReplyHeaders } from 'nock'
import { Webhook } from 'standardwebhooks'
import { HELPDESK, TEST_SECRET, TEST_TOKEN } from './integration'

export type HelpdeskRequest = {
  method: string
  path: string
  headers: Record<string, string>
  body: unknown
  raw: string
}

type Reply = [number, unknown?, ReplyHeaders?]

/**
 * Intercepts one helpdesk call (nock) and records what arrived, so that a test can check the body, the signature
 * and the bearer token; `replies` are used in turn, one per attempt.
 */
export const expectHelpdeskCall = (method: 'GET' | 'POST', path: string, ...replies: Reply[]) => {
  const received: HelpdeskRequest[] = []
  const scope = nock(HELPDESK)
  for (const reply of replies) {
    scope.intercept(`/api${path}`, method).reply(function (_uri, body) {
      const raw = body === '' || body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
      const headers = Object.fromEntries(Object.entries(this.req.headers).map(([k, v]) => [k, String(v)]))
      received.push({ method, path, headers, body: raw ? JSON.parse(raw) : undefined, raw })
      return [reply[0], reply[1] === undefined ? '' : (reply[1] as nock.Body), reply[2]]
    })
  }
  return received
}

/** Throws unless the request carries a valid Standard Webhooks signature and the configured bearer token. */
export const assertSigned = (request: HelpdeskRequest, secret = TEST_SECRET, token: string | undefined = TEST_TOKEN) => {
  new Webhook(secret).verify(request.raw, request.headers, { jsonParse: false })
  if (token !== undefined && request.headers.authorization !== `Bearer ${token}`) {
    throw new Error(`expected the bearer token, got ${request.headers.authorization}`)
  }
}
