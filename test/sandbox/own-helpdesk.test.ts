import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startReferenceHelpdesk, type ReferenceHelpdesk } from '../../sandbox/helpdesk'
import { newWebhookSecret, startSandbox, type Sandbox } from '../../sandbox/start-sandbox'

/*
 * HELPDESK_URL mode: the sandbox configures the integration with a helpdesk it did not start, by that helpdesk's own
 * URL, so the integration's URL rules and errors apply as they would in Botpress; the hop log only observes.
 */

let helpdesk: ReferenceHelpdesk
let sandbox: Sandbox
const secret = newWebhookSecret()
const hops: string[] = []

beforeAll(async () => {
  helpdesk = await startReferenceHelpdesk({ secret, apiToken: 'their-token-123' })
  sandbox = await startSandbox({
    port: 0,
    integrationPort: 0,
    botpressApiPort: 0,
    helpdesk: { url: helpdesk.url, secret, apiToken: 'their-token-123' },
    hop: (hop, detail) => hops.push(`${hop} ${detail}`),
  })
  helpdesk.setWebhookUrl(sandbox.webhookUrl)
})
afterAll(async () => {
  await sandbox?.close()
  await helpdesk?.close()
})

const ownSandbox = (url: string, apiToken = 'their-token-123') =>
  startSandbox({ port: 0, integrationPort: 0, botpressApiPort: 0, helpdesk: { url, secret, apiToken }, hop: () => {} })

it('runs a handoff against a helpdesk given by URL, secret and token, configured with that URL', async () => {
  expect(sandbox.referenceHelpdesk).toBeUndefined()
  expect(sandbox.agentConsoleUrl).toBeUndefined()
  expect(sandbox.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook\/wh_sandbox$/)
  expect(sandbox.configuration).toMatchObject({ helpdeskUrl: helpdesk.url, webhookSecret: secret, apiToken: 'their-token-123' })

  await sandbox.plugin.fromEndUser('own_helpdesk_1', { type: 'text', payload: { text: '/human' } })
  const [ticket] = helpdesk.store.tickets()
  expect(ticket).toBeDefined()
  const delivery = await helpdesk.agentReply(ticket!.id, { id: 'a1', name: 'Ada' }, { type: 'text', payload: { text: 'Hello from your helpdesk' } })
  expect(delivery).toMatchObject({ delivered: true, status: 200 })
  await expect
    .poll(() => sandbox.plugin.session('own_helpdesk_1').lines.at(-1))
    .toMatchObject({ from: 'agent', author: 'Ada', text: 'Hello from your helpdesk' })
  // the hop log saw the integration's calls to that helpdesk
  expect(hops).toContain(`integration → helpdesk POST /conversations → 200 (${/\((\d+) ms\)/.exec(hops.find((h) => h.includes('POST /conversations'))!)![1]} ms)`)
  expect(hops.some((h) => /^integration → helpdesk GET \/health → 200 \(\d+ ms\)$/.test(h))).toBe(true)
  expect(hops).toContain('plugin → integration action startHitl with 1 message of history')
})

it.each(['http://example.com', 'nonsense', 'https://helpdesk.example.com/api?tenant=1'])(
  'refuses to start with %s, naming it and the field the integration refused',
  async (url) => {
    const started = ownSandbox(url)
    await expect(started).rejects.toThrow(`The integration could not register with the helpdesk at ${url}: `)
    await expect(started).rejects.toThrow(/helpdeskUrl/)
  }
)

it('fails to start with the helpdesk own answer when it refuses the credentials', async () => {
  await expect(ownSandbox(helpdesk.url, 'wrong-token')).rejects.toThrow(
    new RegExp(
      `helpdesk at ${helpdesk.url.replace(/\./g, '\\.')}: .*GET /health failed with 401.*Missing or wrong Authorization: Bearer token.*check that the API token`
    )
  )
})

it("shows the status and message of the user's helpdesk when it refuses a call", async () => {
  // a helpdesk that is up and accepts anything but refuses new users
  const picky = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      if (req.url === '/health') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
      res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":{"code":"invalid","message":"email domain not allowed"}}')
    })
  })
  await new Promise<void>((resolve) => picky.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(picky.address() as AddressInfo).port}`
  const own = await ownSandbox(url)
  try {
    const view = await own.plugin.fromEndUser('own_helpdesk_2', { type: 'text', payload: { text: '/human' } })
    expect(view.status).toBe('bot')
    expect(view.lines.at(-1)?.text).toMatch(/^Could not reach a human agent: .*POST \/users failed with 422.*email domain not allowed/)
  } finally {
    await own.close()
    picky.close()
  }
})
