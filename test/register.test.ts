import { describe, expect, it } from 'vitest'
import { useWorld } from './harness/botpress'
import { withoutWaiting } from './harness/clock'
import { assertSigned, expectHelpdeskCall } from './harness/helpdesk'
import { register, TEST_TOKEN, testConfig } from './harness/integration'
import { refusedUrl } from './harness/loopback'
import { logged } from './harness/logs'

useWorld()

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
