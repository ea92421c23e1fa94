import { afterAll, beforeAll, expect, it } from 'vitest'
import { startReferenceHelpdesk, type ReferenceHelpdesk } from '../../sandbox/helpdesk'
import { newWebhookSecret, startSandbox, type Sandbox } from '../../sandbox/start-sandbox'

/* HELPDESK_URL mode: the sandbox points the integration at a helpdesk it did not start, and gives its webhook URL. */

let helpdesk: ReferenceHelpdesk
let sandbox: Sandbox
const secret = newWebhookSecret()

beforeAll(async () => {
  helpdesk = await startReferenceHelpdesk({ secret, apiToken: 'their-token-123' })
  sandbox = await startSandbox({
    port: 0,
    integrationPort: 0,
    botpressApiPort: 0,
    helpdesk: { url: helpdesk.url, secret, apiToken: 'their-token-123' },
    hop: () => {},
  })
  helpdesk.setWebhookUrl(sandbox.webhookUrl)
})
afterAll(async () => {
  await sandbox?.close()
  await helpdesk?.close()
})

it('runs a handoff against a helpdesk given by URL, secret and token', async () => {
  expect(sandbox.referenceHelpdesk).toBeUndefined()
  expect(sandbox.agentConsoleUrl).toBeUndefined()
  expect(sandbox.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook\/wh_sandbox$/)
  expect(sandbox.configuration).toMatchObject({ webhookSecret: secret, apiToken: 'their-token-123' })

  await sandbox.plugin.fromEndUser('own_helpdesk_1', { type: 'text', payload: { text: '/human' } })
  const [ticket] = helpdesk.store.tickets()
  expect(ticket).toBeDefined()
  const delivery = await helpdesk.agentReply(ticket!.id, { id: 'a1', name: 'Ada' }, { type: 'text', payload: { text: 'Hello from your helpdesk' } })
  expect(delivery).toMatchObject({ delivered: true, status: 200 })
  await expect
    .poll(() => sandbox.plugin.session('own_helpdesk_1').lines.at(-1))
    .toMatchObject({ from: 'agent', author: 'Ada', text: 'Hello from your helpdesk' })
})

it('fails to start with a clear message when the helpdesk refuses the credentials', async () => {
  await expect(
    startSandbox({
      port: 0,
      integrationPort: 0,
      botpressApiPort: 0,
      helpdesk: { url: helpdesk.url, secret, apiToken: 'wrong-token' },
      hop: () => {},
    })
  ).rejects.toThrow(/GET \/health failed with 401.*check that the API token and the webhook signing secret/)
})
