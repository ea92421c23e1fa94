import dns from 'node:dns'
import nock from 'nock'
import { describe, expect, it, vi } from 'vitest'
import { LOOPBACK_OPT_IN } from '../src/helpdesk/address-rules'
import { useWorld } from './harness/botpress'
import { useSkippedWaits, withoutWaiting } from './harness/clock'
import { assertSigned, expectHelpdeskCall } from './harness/helpdesk'
import { register, TEST_TOKEN, testConfig } from './harness/integration'
import { refusedUrl, startLoopback } from './harness/loopback'
import { logged } from './harness/logs'

useWorld()
useSkippedWaits()

const errorOf = (res: { status?: number; body?: string }) => {
  expect(res.status).toBeGreaterThanOrEqual(400)
  return (JSON.parse(res.body ?? '{}') as { message?: string }).message ?? ''
}

describe('register: the helpdesk is checked when the integration is saved', () => {
  it('calls GET /health, signed and with the token, and succeeds on 2xx', async () => {
    const calls = expectHelpdeskCall('GET', '/health', [200, { ok: true }])
    const res = await register()
    expect(res.status ?? 200).toBe(200)
    assertSigned(calls[0]!)
    expect(calls[0]!.raw).toBe('')
    expect(logged('info')).toEqual([
      'Connected to the helpdesk at https://helpdesk.test/api; its webhook URL must be https://webhook.botpress.test/wh_hitl_test',
    ])
  })

  it.each([401, 403])('fails on %i with a message about the credentials', async (status) => {
    expectHelpdeskCall('GET', '/health', [status, { message: 'invalid token' }])
    const message = errorOf(await register())
    expect(message).toContain(`GET /health failed with ${status}`)
    expect(message).toContain('check that the API token and the webhook signing secret')
    expect(message).not.toContain(TEST_TOKEN)
  })

  it('fails on 404 with a message about the base URL', async () => {
    expectHelpdeskCall('GET', '/health', [404])
    const message = errorOf(await register())
    expect(message).toContain('https://helpdesk.test/api/health does not exist: check the helpdesk API base URL')
  })

  it('fails for an unreachable helpdesk with a message about reaching it', async () => {
    const helpdeskUrl = await refusedUrl()
    // the retry backoff runs on a fake clock: the three attempts take no real time
    const message = errorOf(await withoutWaiting(() => register({ ...testConfig, helpdeskUrl })))
    expect(message).toContain('could not reach the helpdesk (ECONNREFUSED)')
    expect(message).toContain(`Could not reach ${helpdeskUrl}: check the helpdesk API base URL`)
    // the bot builder sees each retry in the logs
    expect(logged('warn')).toEqual([
      'Helpdesk call GET /health failed (ECONNREFUSED); retrying (attempt 2)',
      'Helpdesk call GET /health failed (ECONNREFUSED); retrying (attempt 3)',
    ])
  })

  it('refuses an invalid configuration, naming each bad field', async () => {
    const message = errorOf(
      await register({ ...testConfig, helpdeskUrl: 'http://helpdesk.example.com', webhookSecret: 'secret123' })
    )
    expect(message).toContain('helpdeskUrl: must be an https:// URL')
    expect(message).toContain('webhookSecret: must be a Standard Webhooks secret')
    expect(message).not.toContain('secret123')
  })
})

describe('register: no helpdesk URL that reaches the network Botpress runs in', () => {
  const refused: Array<[string, string, string]> = [
    ['https://10.0.0.5/api', 'private', '10.0.0.5 is a private address'],
    ['https://172.20.1.1', 'private', '172.20.1.1 is a private address'],
    ['https://192.168.1.10/api', 'private', '192.168.1.10 is a private address'],
    ['https://169.254.169.254/latest', 'link-local', '169.254.169.254 is a link-local address'],
    ['https://100.64.0.1', 'carrier-grade NAT', '100.64.0.1 is a carrier-grade NAT'],
    ['https://224.0.0.1', 'multicast', '224.0.0.1 is a multicast address'],
    ['https://0.0.0.0', 'unspecified', '0.0.0.0 is an unspecified address'],
    ['https://127.0.0.1:8443', 'loopback', '127.0.0.1 is a loopback address'],
    ['http://localhost:8080/api', 'loopback', 'the host localhost is this machine'],
    ['http://[::1]:8080', 'loopback', '::1 is a loopback address'],
    ['https://metadata.google.internal/computeMetadata', 'metadata host', 'metadata.google.internal is a cloud metadata service'],
    ['https://2130706433/api', 'numeric IP spelling', 'the host 2130706433 is an IP address written in a numeric'],
    ['https://0x7f000001', 'numeric IP spelling', '(it means 127.0.0.1)'],
    ['https://0177.0.0.1', 'numeric IP spelling', '(it means 127.0.0.1)'],
    ['https://0xa9.254.169.254', 'numeric IP spelling', '(it means 169.254.169.254)'],
    ['https://10.1', 'numeric IP spelling', '(it means 10.0.0.1)'],
  ]

  it.each(refused)('refuses %s, naming the %s rule, without calling it', async (helpdeskUrl, rule, why) => {
    vi.stubEnv(LOOPBACK_OPT_IN, '')
    const message = errorOf(await register({ ...testConfig, helpdeskUrl }))
    vi.unstubAllEnvs()
    expect(message).toContain('Invalid hitl integration configuration (helpdeskUrl: ')
    expect(message).toContain(why)
    expect(message).toContain(`(rule: ${rule})`)
    expect(message).not.toContain('Helpdesk call')
  })

  it(`allows loopback only with ${LOOPBACK_OPT_IN}=1, and nothing else with it`, async () => {
    const calls = expectHelpdeskCall('GET', '/health', [200])
    expect((await register()).status ?? 200).toBe(200)
    expect(calls).toHaveLength(1)
    const helpdesk = await startLoopback((_req, res) => res.writeHead(200).end('{}'))
    expect((await register({ ...testConfig, helpdeskUrl: helpdesk.url })).status ?? 200).toBe(200)
    vi.stubEnv(LOOPBACK_OPT_IN, '')
    const message = errorOf(await register({ ...testConfig, helpdeskUrl: helpdesk.url }))
    vi.unstubAllEnvs()
    await helpdesk.close()
    expect(message).toContain(`127.0.0.1 is a loopback address; loopback is allowed only when the environment variable ${LOOPBACK_OPT_IN}=1 is set`)
    expect(helpdesk.attempts()).toBe(1)
    expect(errorOf(await register({ ...testConfig, helpdeskUrl: 'https://169.254.169.254' }))).toContain('(rule: link-local)')
  })
})

describe('register: what to fix, by the kind of failure', () => {
  it('a host name that resolves to a private address is refused when connecting, with what to do', async () => {
    nock.enableNetConnect((host) => /127\.0\.0\.1|localhost|rebind\.test/.test(host))
    vi.spyOn(dns, 'lookup').mockImplementation(((_h: string, _o: unknown, callback: (e: null, a: dns.LookupAddress[]) => void) =>
      callback(null, [{ address: '192.168.0.20', family: 4 }])) as unknown as typeof dns.lookup)
    const message = errorOf(await register({ ...testConfig, helpdeskUrl: 'https://helpdesk.rebind.test' }))
    vi.restoreAllMocks()
    nock.enableNetConnect(/127\.0\.0\.1|localhost/)
    expect(message).toContain('GET /health was not sent: the host helpdesk.rebind.test resolved to 192.168.0.20, which the private rule refuses')
    expect(message).toContain('give a host name that resolves to a public address')
  })

  it('an answer that cannot be read', async () => {
    expectHelpdeskCall('GET', '/health', [200, 'x'.repeat(1024 * 1024 + 1)])
    const message = errorOf(await register())
    expect(message).toContain('GET /health answered with a body that could not be read')
    expect(message).toContain('GET /health must answer a small body')
  })
})
