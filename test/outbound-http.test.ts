import dns from 'node:dns'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Config } from '../src/config'
import { LOOPBACK_OPT_IN } from '../src/helpdesk/address-rules'
import { createHelpdeskClient } from '../src/helpdesks/contract/client'
import { useWorld } from './harness/botpress'
import { assertSigned, expectHelpdeskCall } from './harness/helpdesk'
import nock from 'nock'
import { gzipSync } from 'node:zlib'
import { HELPDESK, relayMessage, testConfig } from './harness/integration'
import { refusedUrl, startLoopback } from './harness/loopback'
import { useSkippedWaits } from './harness/clock'
import { logged } from './harness/logs'

useWorld()
const clock = useSkippedWaits()
const conversation = { id: 'conv_downstream', tags: { id: 'hd_conv_1' } }
const PATH = '/conversations/hd_conv_1/messages'
const send = (configuration = testConfig) =>
  relayMessage({ type: 'text', payload: { text: 'hello' }, conversation, messageId: 'msg_retry', configuration })

describe('outbound calls: retries with backoff, same webhook-id, clear failures', () => {
  it.each([500, 502, 503, 504, 408])('retries a %i and succeeds, signing each attempt with the same webhook-id', async (status) => {
    const calls = expectHelpdeskCall('POST', PATH, [status, { message: 'busy' }], [status], [201, { id: 'm1' }])
    const res = await send()
    expect(res.status ?? 200).toBe(200)
    expect(calls).toHaveLength(3)
    for (const call of calls) assertSigned(call)
    expect(new Set(calls.map((c) => c.headers['webhook-id']))).toEqual(new Set(['message-msg_retry']))
    expect(new Set(calls.map((c) => c.raw)).size).toBe(1)
  })

  it('retries a connection reset', async () => {
    const helpdesk = await startLoopback((req, res, attempt) => {
      if (attempt === 1) return req.socket.destroy()
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"m1"}')
    })
    const res = await send({ ...testConfig, helpdeskUrl: helpdesk.url })
    await helpdesk.close()
    expect(res.status ?? 200).toBe(200)
    expect(helpdesk.attempts()).toBe(2)
  })

  it('retries a refused connection, then reports that it could not reach the helpdesk', async () => {
    const res = await send({ ...testConfig, helpdeskUrl: await refusedUrl() })
    expect(res.body).toContain('could not reach the helpdesk (ECONNREFUSED) (after 5 attempts)')
    // exponential backoff from 250 ms: 500, 1000, 2000, 4000 and up to 20% of jitter
    expect(clock.waits).toHaveLength(4)
    clock.waits.forEach((wait, i) => expect(wait / (500 * 2 ** i)).toBeGreaterThanOrEqual(1))
    clock.waits.forEach((wait, i) => expect(wait / (500 * 2 ** i)).toBeLessThanOrEqual(1.2))
  })

  it('waits as long as Retry-After asks on a 429', async () => {
    const calls = expectHelpdeskCall('POST', PATH, [429, { message: 'slow down' }, { 'retry-after': '1' }], [200])
    await send()
    expect(clock.waits).toHaveLength(1)
    expect(clock.waits[0]).toBeGreaterThanOrEqual(1000)
    expect(calls).toHaveLength(2)
  })

  it('does not retry when Retry-After is beyond the budget, and says so', async () => {
    expectHelpdeskCall('POST', PATH, [429, { message: 'quota exhausted' }, { 'retry-after': '120' }])
    const res = await send()
    expect(clock.waits).toEqual([])
    expect(res.body).toContain('failed with 429')
    expect(res.body).toContain('quota exhausted')
    expect(res.body).toContain('after 1 attempt')
  })

  it.each([400, 401, 403, 404, 422])('does not retry a %i', async (status) => {
    const calls = expectHelpdeskCall('POST', PATH, [status, { error: { message: 'nope' } }])
    const res = await send()
    expect(calls).toHaveLength(1)
    expect(res.body).toContain(`POST ${PATH} failed with ${status}`)
  })

  it('gives up after 5 attempts and reports how many were made', async () => {
    const calls = expectHelpdeskCall('POST', PATH, ...Array.from({ length: 5 }, () => [503, { message: 'down for maintenance' }] as [number, unknown]))
    const res = await send()
    expect(calls).toHaveLength(5)
    expect(res.body).toContain('failed with 503')
    expect(res.body).toContain('down for maintenance')
    expect(res.body).toContain('after 5 attempts')
  })

  it('times out a call that hangs and retries it', async () => {
    nock(HELPDESK).post(`/api${PATH}`).delay(1500).reply(200)
    const calls = expectHelpdeskCall('POST', PATH, [200])
    const res = await send({ ...testConfig, requestTimeoutMs: 1000 })
    expect(res.status ?? 200).toBe(200)
    expect(calls).toHaveLength(1)
  })

  it('reports a timeout when every attempt hangs', async () => {
    // the first wait also spends 23 s of the 25 s budget: the second attempt gets what is left, and is the last
    clock.stretch = 23_000
    const scope = nock(HELPDESK).post(`/api${PATH}`).times(5).delay(1300).reply(200)
    const res = await send({ ...testConfig, requestTimeoutMs: 1000 })
    expect(res.body).toMatch(/timed out after [1-4]\d\d ms \(after 2 attempts\)/)
    expect(logged('warn').filter((line) => line.includes('ETIMEDOUT); retrying'))).toHaveLength(1)
    scope.persist(false)
    nock.cleanAll()
  })
})

describe('lenient about what a helpdesk may reasonably answer', () => {
  it('accepts a plain-text 2xx answer to a relayed message', async () => {
    expectHelpdeskCall('POST', PATH, [200, 'OK', { 'content-type': 'text/plain' }])
    const res = await send()
    expect(res.status ?? 200).toBe(200)
  })

  it('refuses an answer over 1 MiB at once, without retrying, and says why', async () => {
    const calls = expectHelpdeskCall('POST', PATH, [200, { id: 'm', padding: 'x'.repeat(1024 * 1024 + 10) }])
    const res = await send()
    expect(calls).toHaveLength(1)
    expect(res.body).toContain('answered with a body that could not be read: it is over 1 MiB (1048576 bytes) once decompressed (after 1 attempt)')
  })
})

describe('an answer that cannot be read is reported as such, not as the status it came with', () => {
  const answerWith = (body: Buffer, headers: Record<string, string>) =>
    startLoopback((_req, res) => res.writeHead(201, 'Created', { 'content-type': 'application/json', ...headers }).end(body))

  it('a gzip bomb (20 MiB of zeros in 20 KiB) is refused once it passes 1 MiB, at once and without retrying', async () => {
    const helpdesk = await answerWith(gzipSync(Buffer.alloc(20 * 1024 * 1024)), { 'content-encoding': 'gzip' })
    const res = await send({ ...testConfig, helpdeskUrl: helpdesk.url })
    await helpdesk.close()
    expect(res.body).toContain(`POST ${PATH} answered with a body that could not be read: it is over 1 MiB`)
    expect(res.body).toContain('(after 1 attempt)')
    expect(res.body).not.toContain('failed with 201')
    expect(helpdesk.attempts()).toBe(1)
  })

  it('a body whose compression is broken', async () => {
    const helpdesk = await answerWith(Buffer.from('this is not gzip at all'), { 'content-encoding': 'gzip' })
    const res = await send({ ...testConfig, helpdeskUrl: helpdesk.url })
    await helpdesk.close()
    expect(res.body).toMatch(/answered 201 with a body that could not be read: .*\(after 1 attempt\)/)
    expect(res.body).not.toContain('failed with 201')
    expect(helpdesk.attempts()).toBe(1)
  })
})

describe('bounded requests', () => {
  it('a relayed message over the 1 MiB the contract allows fails at once, naming its size, and is not sent', async () => {
    const res = await relayMessage({
      type: 'text',
      payload: { text: 'x'.repeat(1024 * 1024 + 1) },
      conversation,
      messageId: 'msg_huge',
    })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.body).toContain(`Helpdesk call POST ${PATH} was not sent: its body is 2049 KiB, over the 1024 KiB the hitl contract allows a request`)
    expect(clock.waits).toEqual([])
  })
})

describe('the address rules hold when connecting, whatever the host name resolves to (DNS rebinding)', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    nock.enableNetConnect(/127\.0\.0\.1|localhost/)
  })

  /** The host name resolves to `address` (as a rebinding DNS server would answer), and may be connected to. */
  const resolving = (address: string) => {
    nock.enableNetConnect((host) => /127\.0\.0\.1|localhost|rebind\.test/.test(host))
    const lookup = vi.spyOn(dns, 'lookup')
    lookup.mockImplementation(((_host: string, _options: unknown, callback: (e: null, a: dns.LookupAddress[]) => void) =>
      callback(null, [{ address, family: address.includes(':') ? 6 : 4 }])) as unknown as typeof dns.lookup)
    return lookup
  }

  it.each([
    ['10.0.0.7', 'private'],
    ['169.254.169.254', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['fd00::1', 'private'],
    ['100.100.1.1', 'carrier-grade NAT'],
  ])('refuses a public host name that resolves to %s (%s), at once and without sending', async (address, rule) => {
    const lookup = resolving(address)
    const res = await send({ ...testConfig, helpdeskUrl: 'https://helpdesk.rebind.test/api' })
    expect(res.body).toContain(`Helpdesk call POST ${PATH} was not sent: the host helpdesk.rebind.test resolved to ${address}, which the ${rule} rule refuses`)
    expect(lookup).toHaveBeenCalledTimes(1)
    expect(clock.waits).toEqual([])
  })

  it(`connects to loopback only with ${LOOPBACK_OPT_IN}=1`, async () => {
    const helpdesk = await startLoopback((_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"m1"}'))
    const port = new URL(helpdesk.url).port
    resolving('127.0.0.1')
    const allowed = await send({ ...testConfig, helpdeskUrl: `http://localhost:${port}` })
    expect(allowed.status ?? 200).toBe(200)
    vi.stubEnv(LOOPBACK_OPT_IN, '')
    const refused = await send({ ...testConfig, helpdeskUrl: `https://helpdesk.rebind.test:${port}` })
    vi.unstubAllEnvs()
    await helpdesk.close()
    expect(refused.body).toContain('resolved to 127.0.0.1, which the loopback rule refuses')
    expect(helpdesk.attempts()).toBe(1)
  })
})

describe('the address rules hold for a URL that names an IP address (connected to without a lookup)', () => {
  it('a client given such a URL without the configuration check sends nothing', async () => {
    const client = createHelpdeskClient({ ...(testConfig as Config), helpdeskUrl: 'https://10.0.0.9/api', historyLimit: 100, requestTimeoutMs: 1000 })
    await expect(client.health('health-1')).rejects.toThrow('Helpdesk call GET /health was not sent: the host 10.0.0.9 is a private address (rule: private)')
    expect(clock.waits).toEqual([])
  })
})
