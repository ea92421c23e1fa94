import { request, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { observeHelpdeskCalls, type HelpdeskCall } from '../../sandbox/helpdesk-calls'

/* The hop log's view of the integration's helpdesk calls: observed, never proxied. */

const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.writeHead(req.url?.startsWith('/api/missing') ? 404 : 201).end('{}'))
})
let base: string
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => server.close())

const call = (url: string, method = 'POST') =>
  new Promise<number | string>((resolve) => {
    const req = request(url, { method }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', (error: Error & { code?: string }) => resolve(error.code ?? 'error'))
    req.end(method === 'GET' ? undefined : '{}')
  })

it('reports each call under the base URL with its status, path relative to the base, and nothing else', async () => {
  const calls: HelpdeskCall[] = []
  const stop = observeHelpdeskCalls(`${base}/api/`, (c) => calls.push(c))
  try {
    expect(await call(`${base}/api/users`)).toBe(201)
    expect(await call(`${base}/api/missing?x=1`, 'GET')).toBe(404)
    expect(await call(`${base}/other`)).toBe(201)
    expect(await call(`${base}/apix`)).toBe(201)
  } finally {
    stop()
  }
  expect(await call(`${base}/api/after-stop`)).toBe(201)
  expect(calls.map(({ method, path, ...rest }) => [method, path, 'status' in rest ? rest.status : rest.error])).toEqual([
    ['POST', '/users', 201],
    ['GET', '/missing', 404],
  ])
})

it('reports a network error as no answer with its code', async () => {
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
  await new Promise<void>((resolve) => closed.close(() => resolve()))
  const calls: HelpdeskCall[] = []
  const stop = observeHelpdeskCalls(url, (c) => calls.push(c))
  try {
    expect(await call(`${url}/users`)).toBe('ECONNREFUSED')
  } finally {
    stop()
  }
  expect(calls).toEqual([{ method: 'POST', path: '/users', ms: expect.any(Number), error: 'ECONNREFUSED' }])
})
