import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { formatResult, runConformance, summarize, type RuleResult } from '../../kit/conformance'
import { main } from '../../kit/conformance/cli'
import { historyTypes, relayedTypes } from '../../kit/fixtures'
import { startReferenceHelpdesk } from '../../sandbox/helpdesk'
import { startFakeHelpdesk, type FakeHelpdesk, type Flaws } from '../../kit/fake-helpdesk/fake-helpdesk'

const secret = `whsec_${randomBytes(32).toString('base64')}`
const running: Array<{ close: () => Promise<void> }> = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()))
})

const fake = async (flaws: Flaws = {}, token?: string): Promise<FakeHelpdesk> => {
  const helpdesk = await startFakeHelpdesk({ secret, token, flaws })
  running.push(helpdesk)
  return helpdesk
}

const statusOf = (results: RuleResult[]) => Object.fromEntries(results.map((r) => [r.rule, r.status]))
const failed = (results: RuleResult[]) => results.filter((r) => r.status === 'fail').map((r) => r.rule)

const captureIo = () => {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), env: {} },
    out: () => out.join(''),
    err: () => err.join(''),
  }
}

/** A port nothing listens on. */
const closedPort = async (): Promise<number> => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('conformance checker against a correct helpdesk', () => {
  it('passes every rule', async () => {
    const helpdesk = await fake()
    const results = await runConformance({ baseUrl: helpdesk.url, secret })
    expect(failed(results)).toEqual([])
    expect(results.every((r) => r.status === 'pass')).toBe(true)
    expect(summarize(results)).toBe(`${results.length} passed, 0 failed`)
  })

  it('sends a history of every type and messages of every relayed type from the user and the bot', async () => {
    const helpdesk = await fake()
    await runConformance({ baseUrl: helpdesk.url, secret, runId: 'r1' })
    const [conversation] = helpdesk.state.tickets
    expect(conversation?.request?.messages.map((m) => m.type)).toEqual(historyTypes)
    expect(conversation?.request?.messages.every((m) => m.text.length > 0)).toBe(true)
    expect(conversation?.botpressConversationId).toBe('conv_conformance_r1')
    expect(conversation?.request?.reference).toEqual(expect.stringMatching(/^conv_conformance_r1\./))
    const messages = helpdesk.state.messages.filter((m) => m.ticketId === conversation?.id).map((m) => m.request)
    const sent = messages.map((m) => `${m.type}/${m.author.type}`)
    expect(sent).toEqual([...relayedTypes.map((t) => `${t}/user`), ...relayedTypes.map((t) => `${t}/bot`)])
    expect(messages.filter((m) => m.additionalData !== undefined)).toHaveLength(1)
    expect(conversation?.closed).toBe(true)
    // One user for the run (the negative calls were refused), despite the repeated POST /users.
    expect(helpdesk.state.users).toHaveLength(1)
  })

  it('signs with the same webhook-ids the integration uses, and sends the token', async () => {
    const helpdesk = await fake({}, 'tok-123')
    const results = await runConformance({ baseUrl: helpdesk.url, secret, token: 'tok-123', runId: 'r2' })
    expect(failed(results)).toEqual([])
    const ids = helpdesk.calls.filter((r) => r.status > 0 && r.status < 300).map((r) => r.webhookId)
    expect(ids).toContain('user-user_conformance_r2')
    expect(ids).toContain('conversation-conv_conformance_r2')
    expect(ids).toContain('close-conv_conformance_r2')
    expect(ids.filter((id) => id?.startsWith('message-msg_conformance_r2_'))).toHaveLength(13)
  })

  it('fails health when the helpdesk expects a token that was not given', async () => {
    const helpdesk = await fake({}, 'tok-123')
    const results = await runConformance({ baseUrl: helpdesk.url, secret })
    expect(statusOf(results)['health']).toBe('fail')
    expect(results.find((r) => r.rule === 'health')?.fix).toBe(
      'the helpdesk expects an API token: pass it with --token TOKEN (sent as Authorization: Bearer <token>)'
    )
  })

  it('suggests --token, not signature advice, when the reference helpdesk refuses the bearer token', async () => {
    const reference = await startReferenceHelpdesk({ secret, apiToken: 'tok-456', log: () => undefined })
    running.push(reference)
    const missing = (await runConformance({ baseUrl: reference.url, secret })).find((r) => r.rule === 'health')
    expect(missing?.status).toBe('fail')
    expect(missing?.fix).toMatch(/^the helpdesk expects an API token: pass it with --token/)
    expect(missing?.fix).not.toMatch(/signature|secret/)
    const wrong = (await runConformance({ baseUrl: reference.url, secret, token: 'tok-wrong' })).find((r) => r.rule === 'health')
    expect(wrong?.fix).toMatch(/^the helpdesk refused the API token given with --token/)
  })

  it('keeps the signature advice when the signature, not the token, is refused', async () => {
    const reference = await startReferenceHelpdesk({ secret, log: () => undefined })
    running.push(reference)
    const otherSecret = `whsec_${randomBytes(32).toString('base64')}`
    const health = (await runConformance({ baseUrl: reference.url, secret: otherSecret })).find((r) => r.rule === 'health')
    expect(health?.fix).toMatch(/^the helpdesk refused a correctly signed call: verify the signature with the same whsec_ secret/)
  })

  it('passes against the reference helpdesk of the sandbox', async () => {
    const reference = await startReferenceHelpdesk({ secret, log: () => undefined })
    running.push(reference)
    const results = await runConformance({ baseUrl: reference.url, secret })
    expect(results.filter((r) => r.status !== 'pass').map(formatResult)).toEqual([])
  })
})

describe('conformance checker against broken helpdesks', () => {
  it('names the signature rules when the helpdesk does not check signatures', async () => {
    const helpdesk = await fake({ noSignatureCheck: true })
    const results = await runConformance({ baseUrl: helpdesk.url, secret })
    expect(failed(results)).toEqual([
      'health-refuses-wrong-signature',
      'refuses-missing-signature',
      'refuses-wrong-signature',
      'refuses-stale-timestamp',
    ])
    const line = formatResult(results.find((r) => r.rule === 'refuses-stale-timestamp') as RuleResult)
    expect(line).toMatch(/^FAIL refuses-stale-timestamp: expected 401 or 403 .*, got 201 .*; fix: .*300 s/)
  })

  it('names create-conversation when the helpdesk refuses the reference, which it must keep or ignore', async () => {
    const helpdesk = await fake({ refusesReference: true })
    const results = await runConformance({ baseUrl: helpdesk.url, secret })
    expect(failed(results)).toEqual(['create-conversation', 'create-conversation-large'])
    const result = results.find((r) => r.rule === 'create-conversation')
    expect(result?.expected).toContain('a `reference` (keep it or ignore it)')
    expect(result?.got).toContain("unrecognized key 'reference'")
    expect(result?.fix).toMatch(/^accept this request: it follows the contract/)
  })

  it('names create-user when the answer has the wrong shape, and skips what needs it', async () => {
    const helpdesk = await fake({ wrongUserAnswerShape: true })
    const results = await runConformance({ baseUrl: helpdesk.url, secret })
    expect(failed(results)).toEqual(['create-user'])
    const result = results.find((r) => r.rule === 'create-user')
    expect(result?.got).toContain('id: Required')
    expect(result?.fix).toContain('{ "id"')
    expect(statusOf(results)['create-conversation']).toBe('skip')
    expect(statusOf(results)['close-again']).toBe('skip')
    expect(summarize(results)).toMatch(/^\d+ passed, 1 failed, \d+ skipped$/)
  })

  it('names the retry rules when a repeated webhook-id creates a second resource', async () => {
    const helpdesk = await fake({ notIdempotent: true })
    const results = await runConformance({ baseUrl: helpdesk.url, secret })
    expect(failed(results)).toEqual(['create-user-retry', 'create-conversation-retry', 'create-message-retry'])
    expect(results.find((r) => r.rule === 'create-user-retry')?.fix).toContain('webhook-id')
  })

  it('names close-already-closed when closing a closed conversation fails', async () => {
    const helpdesk = await fake({ closeFailsWhenClosed: true })
    const results = await runConformance({ baseUrl: helpdesk.url, secret })
    expect(failed(results)).toEqual(['close-already-closed'])
  })

  it('names close-again too when the helpdesk neither remembers webhook-ids nor tolerates a second close', async () => {
    const helpdesk = await fake({ closeFailsWhenClosed: true, notIdempotent: true })
    const results = await runConformance({ baseUrl: helpdesk.url, secret })
    expect(failed(results)).toEqual(expect.arrayContaining(['close-again', 'close-already-closed']))
  })

  it('names the message type a helpdesk refuses', async () => {
    const helpdesk = await fake({ refusesMessageType: 'bloc' })
    const results = await runConformance({ baseUrl: helpdesk.url, secret })
    expect(failed(results)).toEqual(['message-bloc-from-user', 'message-bloc-from-bot'])
    expect(results.find((r) => r.rule === 'message-bloc-from-user')?.got).toContain('bloc is not supported')
  })

  it('reports an unreachable helpdesk without throwing', async () => {
    const port = await closedPort()
    const results = await runConformance({ baseUrl: `http://127.0.0.1:${port}`, secret, retry: { retries: 0, baseDelayMs: 1, budgetMs: 2000 } })
    expect(statusOf(results)['health']).toBe('fail')
    expect(results.find((r) => r.rule === 'health')?.fix).toContain('running and reachable')
    expect(statusOf(results)['refuses-missing-signature']).toBe('skip')
  })

  it('names configuration when the base URL or secret would not be accepted by the integration', async () => {
    const short = `whsec_${randomBytes(8).toString('base64')}`
    const other = await startFakeHelpdesk({ secret: short })
    running.push(other)
    const results = await runConformance({ baseUrl: other.url, secret: short })
    expect(failed(results)).toEqual(['configuration'])
    expect(results[0]?.got).toContain('webhookSecret')
  })

  it('names configuration when the base URL is one the address rules refuse', async () => {
    const results = await runConformance({ baseUrl: 'https://169.254.169.254/botpress', secret, retry: { retries: 0, baseDelayMs: 1, budgetMs: 2000 } })
    const result = results.find((r) => r.rule === 'configuration')
    expect(result).toMatchObject({ status: 'fail', got: expect.stringContaining('169.254.169.254 is a link-local address') })
    expect(result?.got).toContain('(rule: link-local)')
  })
})

describe('conformance command line', () => {
  it('prints PASS lines and the summary, and exits 0', async () => {
    const helpdesk = await fake()
    const { io, out } = captureIo()
    const code = await main(['--base-url', helpdesk.url, '--secret', secret], io)
    expect(code).toBe(0)
    const lines = out().trim().split('\n')
    expect(lines[0]).toBe('PASS configuration')
    expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed$/)
  })

  it('prints FAIL lines and exits 1 when a rule fails', async () => {
    const helpdesk = await fake({ notIdempotent: true })
    const { io, out } = captureIo()
    const code = await main(['--base-url', helpdesk.url, '--secret', secret], io)
    expect(code).toBe(1)
    expect(out()).toMatch(/^FAIL create-user-retry: expected .+, got .+; fix: .+$/m)
    expect(out().trim().split('\n').at(-1)).toMatch(/^\d+ passed, 3 failed$/)
  })

  it('prints JSON with --json, and reads the secret from the environment', async () => {
    const helpdesk = await fake()
    const { io, out } = captureIo()
    const code = await main(['--base-url', helpdesk.url, '--json'], { ...io, env: { HITL_WEBHOOK_SECRET: secret } })
    expect(code).toBe(0)
    const parsed = JSON.parse(out()) as { results: RuleResult[]; summary: string }
    expect(parsed.results.length).toBeGreaterThan(20)
    expect(parsed.summary).toMatch(/passed, 0 failed$/)
  })

  it('exits 2 with the usage on a bad command line', async () => {
    const { io, err } = captureIo()
    expect(await main(['--secret', secret], io)).toBe(2)
    expect(err()).toContain('--base-url is required')
    expect(await main(['--base-url', 'http://127.0.0.1:1', '--secret', 'not-a-secret!'], io)).toBe(2)
    expect(await main(['--nope'], io)).toBe(2)
  })
})
