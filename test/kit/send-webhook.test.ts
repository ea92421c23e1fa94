import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../kit/send-webhook/cli'
import { parseEvent } from '../../src/helpdesks/contract/parse-event'
import { referenceFor } from '../../contract/reference'
import { verifySignature } from '../../contract/signature'
import { contractWebhookDecoder } from '../../src/helpdesks/contract/decode-webhook'

const secret = `whsec_${randomBytes(32).toString('base64')}`
const root = fileURLToPath(new URL('../../', import.meta.url))

type Received = { method: string; headers: IncomingHttpHeaders; body: string }
const received: Received[] = []
let answer = { status: 200, body: '{"ok":true}' }
let url = ''
const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    received.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
  })
})

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  received.length = 0
  answer = { status: 200, body: '{"ok":true}' }
})

const run = async (...args: string[]) => {
  const out: string[] = []
  const err: string[] = []
  const code = await main(['--url', url, '--secret', secret, ...args], {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    env: {},
  })
  return { code, out: out.join(''), err: err.join('') }
}

const single = (h: IncomingHttpHeaders, name: string): string => {
  const value = h[name]
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
}

/** Verifies the delivery as a receiver would with the `standardwebhooks` library, and returns the event. */
const verified = (r: Received): unknown =>
  new Webhook(secret).verify(r.body, {
    'webhook-id': single(r.headers, 'webhook-id'),
    'webhook-timestamp': single(r.headers, 'webhook-timestamp'),
    'webhook-signature': single(r.headers, 'webhook-signature'),
  })

describe('send-webhook', () => {
  it('sends a signed message.created that standardwebhooks and the integration verify', async () => {
    const result = await run(
      'message.created',
      '--conversation',
      'hd-1842',
      '--text',
      'Hello from the agent',
      '--agent-id',
      'agent-42',
      '--agent-name',
      'Dana',
      '--message-id',
      'm-1'
    )
    expect(result.code).toBe(0)
    expect(result.out).toContain('200 {"ok":true}')
    expect(received).toHaveLength(1)
    const [delivery] = received as [Received]
    expect(delivery.method).toBe('POST')
    expect(single(delivery.headers, 'content-type')).toBe('application/json')
    expect(verified(delivery)).toEqual({
      id: expect.stringMatching(/^evt_/),
      occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      type: 'message.created',
      conversationId: 'hd-1842',
      agent: { id: 'agent-42', name: 'Dana' },
      message: { id: 'm-1', type: 'text', payload: { text: 'Hello from the agent' } },
    })
    // The integration's own checks accept it.
    const headers = Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]))
    expect(verifySignature(secret, delivery.body, headers)).toEqual({ ok: true, webhookId: single(delivery.headers, 'webhook-id') })
    expect(parseEvent(delivery.body).ok).toBe(true)
  })

  it('sends agent.assigned and conversation.closed', async () => {
    expect((await run('agent.assigned', '--conversation', 'hd-1', '--agent-id', 'a-7', '--agent-name', 'Sam')).code).toBe(0)
    expect((await run('conversation.closed', '--conversation', 'hd-1', '--reason', 'Solved')).code).toBe(0)
    expect(received.map(verified)).toEqual([
      { id: expect.any(String), occurredAt: expect.any(String), type: 'agent.assigned', conversationId: 'hd-1', agent: { id: 'a-7', name: 'Sam' } },
      { id: expect.any(String), occurredAt: expect.any(String), type: 'conversation.closed', conversationId: 'hd-1', reason: 'Solved' },
    ])
  })

  it('echoes --reference as the event\'s reference, exactly, in every event type', async () => {
    const reference = referenceFor(secret, 'conv_01HXYZ')
    expect((await run('message.created', '--conversation', 'hd-1', '--reference', reference, '--text', 'hi')).code).toBe(0)
    expect((await run('agent.assigned', '--conversation', 'hd-1', '--reference', reference, '--agent-id', 'a-7')).code).toBe(0)
    expect((await run('conversation.closed', '--conversation', 'hd-1', '--reference', reference)).code).toBe(0)
    expect(received.map((r) => (verified(r) as { reference?: string }).reference)).toEqual([reference, reference, reference])
    // the integration's decoder accepts it and names the Botpress conversation the reference was issued for
    const [first] = received as [Received]
    const headers = Object.fromEntries(Object.entries(first.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]))
    expect(contractWebhookDecoder(secret)({ method: 'POST', headers, rawBody: first.body })).toMatchObject({
      ok: true,
      botpressConversationId: 'conv_01HXYZ',
    })
  })

  it('sends media with --message-type and --payload', async () => {
    const payload = JSON.stringify({ imageUrl: 'https://example.com/a.png', title: 'A' })
    const result = await run('message.created', '--conversation', 'hd-1', '--message-type', 'image', '--payload', payload)
    expect(result.code).toBe(0)
    expect(verified(received[0] as Received)).toMatchObject({
      agent: { id: 'agent-1' },
      message: { type: 'image', payload: { imageUrl: 'https://example.com/a.png', title: 'A' } },
    })
  })

  it('replays the same delivery with --event-id, --occurred-at and --webhook-id', async () => {
    const args = ['message.created', '--conversation', 'hd-1', '--text', 'hi', '--message-id', 'm-9', '--event-id', 'evt_1', '--occurred-at', '2026-05-01T09:00:00.000Z', '--webhook-id', 'wh_1']
    await run(...args)
    await run(...args)
    const [first, second] = received as [Received, Received]
    expect(single(first.headers, 'webhook-id')).toBe('wh_1')
    expect(single(second.headers, 'webhook-id')).toBe('wh_1')
    expect(second.body).toBe(first.body)
    expect(verified(second)).toMatchObject({ id: 'evt_1' })
  })

  it('prints how to replay a delivery', async () => {
    const result = await run('agent.assigned', '--conversation', 'hd-1', '--agent-id', 'a-1')
    const webhookId = single((received[0] as Received).headers, 'webhook-id')
    expect(result.out).toContain(`--webhook-id ${webhookId}`)
    expect(result.out).toMatch(/--event-id evt_\S+ --occurred-at \S+ --webhook-id/)
  })

  it('exits 1 on a non-2xx answer and prints it', async () => {
    answer = { status: 409, body: '{"error":{"code":"conversation_closed","message":"closed"}}' }
    const result = await run('message.created', '--conversation', 'hd-1', '--text', 'late')
    expect(result.code).toBe(1)
    expect(result.out).toContain('409 {"error":{"code":"conversation_closed"')
    expect(result.err).toContain('409')
  })

  it('exits 2 without sending when the event is invalid or the command line incomplete', async () => {
    const cases: Array<{ args: string[]; says: string }> = [
      { args: ['agent.assigned', '--conversation', 'hd-1'], says: '--agent-id' },
      { args: ['message.created', '--conversation', 'hd-1'], says: '--text' },
      { args: ['message.created', '--text', 'x'], says: '--conversation' },
      { args: ['message.closed', '--conversation', 'hd-1'], says: 'unknown event' },
      { args: ['message.created', '--conversation', 'hd-1', '--message-type', 'image', '--payload', '{"url":"x"}'], says: 'message.payload.imageUrl' },
      { args: ['message.created', '--conversation', 'hd-1', '--message-type', 'card', '--payload', '{}'], says: 'message.type' },
      { args: ['message.created', '--conversation', '', '--text', 'x'], says: 'conversation' },
      { args: ['message.created', '--conversation', 'hd-1', '--text', ''], says: 'message.payload.text' },
      { args: ['message.created', '--conversation', 'hd-1', '--text', 'x', '--bogus'], says: 'bogus' },
      { args: ['conversation.closed', '--conversation', 'hd-1', '--reference', 'r'.repeat(201)], says: 'reference' },
    ]
    for (const { args, says } of cases) {
      const result = await run(...args)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.err, args.join(' ')).toContain(says)
    }
    expect(received).toHaveLength(0)
  })

  it('prints the signed request with --dry-run, without sending it', async () => {
    const result = await run('conversation.closed', '--conversation', 'hd-1', '--dry-run')
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/^webhook-signature: v1,/m)
    expect(received).toHaveLength(0)
  })

  it('exits 1 when nothing answers', async () => {
    const out: string[] = []
    const err: string[] = []
    const code = await main(
      ['--url', 'http://127.0.0.1:1/webhook', '--secret', secret, 'conversation.closed', '--conversation', 'hd-1', '--timeout', '2000'],
      { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env: {} }
    )
    expect(code).toBe(1)
    expect(err.join('')).toContain('No answer')
  })

  it('runs as a command (the npm script)', async () => {
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'kit/send-webhook/cli.ts', 'conversation.closed', '--conversation', 'hd-5', '--url', url],
        { cwd: root, env: { ...process.env, HITL_WEBHOOK_SECRET: secret }, timeout: 30_000 },
        (error, stdout) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout })
      )
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('200 {"ok":true}')
    expect(verified(received[0] as Received)).toMatchObject({ type: 'conversation.closed', conversationId: 'hd-5' })
  }, 30_000)
})
