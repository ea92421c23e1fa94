import { randomBytes } from 'node:crypto'
import { inspect } from 'node:util'
import { Webhook } from 'standardwebhooks'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { withoutWaiting } from '../harness/clock'
import { useWorld } from '../harness/botpress'
import { useSkippedWaits } from '../harness/clock'
import { startFakeHelpdesk, type FakeHelpdesk, type Fault } from '../../kit/fake-helpdesk/fake-helpdesk'
import { deliver, invoke, register, relayMessage, runAction, testConfig } from '../harness/integration'
import { startLoopback } from '../harness/loopback'
import { openConversation, seedEndUser } from '../harness/seed'

/*
 * The API token and the webhook secret never leave the integration: not in a log line (stdout, stderr, any console
 * method), not in an error message, not in an answer body, whatever happens, including a helpdesk that echoes the
 * credentials it received. Known random values are used so that any appearance, whole or in part, is found.
 */

const TOKEN = `tok_${randomBytes(16).toString('hex')}`
const SECRET = `whsec_${randomBytes(32).toString('base64')}`
const KEY = SECRET.slice('whsec_'.length)
const AUTHORIZATION = `Bearer ${TOKEN}`
/** Every value that must never be seen, and the fragments of it long enough to give it away. */
const FORBIDDEN = [TOKEN, SECRET, KEY, AUTHORIZATION, Buffer.from(KEY, 'base64').toString('hex')]
const FRAGMENT = 10
const fragments = (value: string) => Array.from({ length: value.length - FRAGMENT + 1 }, (_, i) => value.slice(i, i + FRAGMENT))

const world = useWorld()
useSkippedWaits()

let seen: string[] = []
const show = (value: unknown) => (typeof value === 'string' ? value : inspect(value, { depth: 8, showHidden: false }))
beforeEach(() => {
  seen = []
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void seen.push(args.map(show).join(' ')))
  }
  const capture = (chunk: unknown) => {
    seen.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'))
    return true
  }
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write)
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write)
})
afterEach(() => vi.restoreAllMocks())

/** Records an answer body (or error text) with the log lines. */
const keep = <T extends { body?: unknown; error?: unknown }>(res: T): T => {
  if (res.body !== undefined) seen.push(show(res.body))
  if (res.error !== undefined) seen.push(show(res.error))
  return res
}

const expectNoSecret = () => {
  const text = seen.join('\n')
  for (const value of FORBIDDEN) {
    expect(text.includes(value), `the whole of a secret value appeared in:\n${text}`).toBe(false)
    const leaked = fragments(value).find((f) => text.includes(f))
    expect(leaked, `${FRAGMENT} characters of a secret value ("${leaked}") appeared in:\n${text}`).toBeUndefined()
  }
}

const echo = (status: number) => ({
  kind: 'status' as const,
  status,
  body: {
    error: { message: `refused token ${TOKEN} with ${AUTHORIZATION}; secret ${SECRET}; key ${KEY}` },
    received: { authorization: AUTHORIZATION, secret: SECRET },
  },
})

describe('no secret in logs, errors or answers', () => {
  let helpdesk: FakeHelpdesk
  let config: Record<string, unknown>
  let fault: Fault | undefined
  beforeEach(async () => {
    fault = undefined
    helpdesk = await startFakeHelpdesk({ secret: SECRET, token: TOKEN, plan: ({ attempt }) => (attempt === 1 ? fault : undefined) })
    config = { ...testConfig, helpdeskUrl: helpdesk.url, apiToken: TOKEN, webhookSecret: SECRET, requestTimeoutMs: 1000 }
  })
  afterEach(async () => {
    await helpdesk.close()
  })

  const endUser = async () => {
    helpdesk.state.users.push({ id: 'hd_user_1', botpressUserId: 'x', name: 'Ada' })
    return (await seedEndUser(world.api)).id
  }
  const ticket = async () => {
    const conversation = await openConversation(world.api, { id: 'hd_conv_1' })
    helpdesk.state.tickets.push({ id: 'hd_conv_1', botpressConversationId: conversation.id, closed: false })
    return conversation
  }
  /** `helpdeskId`: the ticket's id (default: the one `ticket()` seeds) */
  const relay = (conversation: { id: string; helpdeskId?: string }, configuration = config) =>
    relayMessage({
      type: 'text',
      payload: { text: 'hello', userId: 'user_end' },
      conversation: { id: conversation.id, tags: { id: conversation.helpdeskId ?? 'hd_conv_1' } },
      messageId: 'msg_1',
      configuration,
    }).then((res) => keep(res))

  it('the actions and the channel, when everything works', async () => {
    const created = keep(await runAction<{ userId: string }>('createUser', { name: 'Ada', email: 'a@x.test' }, config))
    expect(created.status).toBe(200)
    const started = keep(await runAction<{ conversationId: string }>('startHitl', { userId: created.output!.userId, messageHistory: [] }, config))
    expect(started.status).toBe(200)
    const conversation = { id: started.output!.conversationId, helpdeskId: helpdesk.state.tickets[0]!.id }
    expect((await relay(conversation)).status ?? 200).toBe(200)
    keep(await runAction('stopHitl', { conversationId: conversation.id }, config))
    expect(helpdesk.calls.every((c) => c.authorization === AUTHORIZATION && c.signed)).toBe(true)
    expectNoSecret()
  })

  it.each([400, 401, 403, 404, 422, 500])('every action and the channel when the helpdesk answers %i and echoes the credentials', async (status) => {
    const userId = await endUser()
    const conversation = await ticket()
    const retryAfter = status >= 500 ? { headers: { 'retry-after': '120' } } : {}
    for (const run of [
      () => runAction('createUser', { name: 'Ada' }, config),
      () => runAction('startHitl', { userId, messageHistory: [] }, config),
      () => runAction('stopHitl', { conversationId: conversation.id }, config),
      () => relay(conversation),
    ]) {
      fault = { ...echo(status), ...retryAfter }
      helpdesk.setPlan(() => fault)
      const res = keep(await run())
      expect(res.status ?? 200).toBeGreaterThanOrEqual(status === 404 ? 200 : 400)
    }
    expect(seen.join('\n')).toContain(`failed with ${status}`)
    expectNoSecret()
  })

  it('an echo that does not fit in the error message is not cut in the middle of a secret', async () => {
    // helpdesk messages are cut to 300 characters; the cut must not leave the start of the token in the error
    for (const padding of [280, 290, 295]) {
      helpdesk.setPlan(() => ({ kind: 'status', status: 422, body: { message: `${'x'.repeat(padding)}${TOKEN} ${KEY}` } }))
      keep(await runAction('createUser', { name: 'Ada' }, config))
    }
    expect(seen.join('\n')).toContain('failed with 422')
    expectNoSecret()
  })

  it('a helpdesk that echoes the credentials in a text body, or in a 2xx answer the integration refuses', async () => {
    helpdesk.setPlan(() => ({ kind: 'status', status: 502, body: `upstream said: Authorization: ${AUTHORIZATION}`, headers: { 'retry-after': '120' } }))
    keep(await runAction('createUser', { name: 'Ada' }, config))
    helpdesk.setPlan(() => ({ kind: 'status', status: 200, body: { id: { token: TOKEN }, token: TOKEN, secret: SECRET } }))
    const refused = keep(await runAction('createUser', { name: 'Ada' }, config))
    expect(refused.error).toContain('unexpected body')
    expectNoSecret()
  })

  it('retries that are logged (429, 5xx, reset, timeout) and then fail', async () => {
    const userId = await endUser()
    let n = 0
    helpdesk.setPlan(() => {
      n += 1
      const faults: Fault[] = [
        { ...echo(429), headers: { 'retry-after': '0' } },
        echo(503),
        { kind: 'reset' },
        { kind: 'hang' },
        { ...echo(500), headers: { 'retry-after': '120' } },
      ]
      return faults[(n - 1) % faults.length]
    })
    // the backoff between attempts passes at once; the hanging attempt still waits for its (real) socket timeout
    const res = keep(await withoutWaiting(() => runAction('startHitl', { userId, messageHistory: [] }, config)))
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(seen.join('\n')).toMatch(/retrying \(attempt 2\)/)
    expectNoSecret()
  }, 15_000)

  it('a connection reset on every attempt of the channel', async () => {
    const resetting = await startLoopback((req) => req.socket.destroy())
    const conversation = await ticket()
    keep(await withoutWaiting(() => relay(conversation, { ...config, helpdeskUrl: resetting.url })))
    await resetting.close()
    expect(seen.join('\n')).toContain('ECONNRESET')
    expectNoSecret()
  }, 15_000)

  it('a token with quotes and backslashes echoed JSON-escaped, URL-encoded, in a Basic header or base64, and the key in hex', async () => {
    const token = `tok"${randomBytes(12).toString('hex')}\\q"${randomBytes(12).toString('hex')}`
    const basic = `Basic ${Buffer.from(`bot:${token}`).toString('base64')}`
    const forms = [
      token,
      JSON.stringify(token).slice(1, -1),
      JSON.stringify(JSON.stringify(token)).slice(1, -1),
      encodeURIComponent(token),
      Buffer.from(token).toString('base64'),
      basic,
      Buffer.from(`bot:${token}`).toString('base64'),
      Buffer.from(KEY, 'base64').toString('hex'),
      Buffer.from(KEY, 'base64').toString('base64url'),
      JSON.stringify(SECRET).slice(1, -1),
    ]
    const tokenHelpdesk = await startFakeHelpdesk({ secret: SECRET, token })
    const echoes: unknown[] = [
      { error: { message: `received ${JSON.stringify({ authorization: `Bearer ${token}` })}` } },
      { message: `callback https://helpdesk.test/hook?token=${encodeURIComponent(token)}&next=1` },
      { message: `proxy sent Authorization: ${basic}` },
      `upstream said ${JSON.stringify(JSON.stringify({ token }))} and key ${Buffer.from(KEY, 'base64').toString('hex')}`,
      { error: `raw ${Buffer.from(token).toString('base64')} and ${Buffer.from(KEY, 'base64').toString('base64url')}` },
      { detail: { token, secret: SECRET } },
      { message: 'Basic authentication required' },
    ]
    const tokenConfig = { ...config, helpdeskUrl: tokenHelpdesk.url, apiToken: token }
    for (const body of echoes) {
      tokenHelpdesk.setPlan(() => ({ kind: 'status', status: 422, body }))
      const res = keep(await runAction('createUser', { name: 'Ada' }, tokenConfig))
      expect(res.error).toContain('failed with 422')
    }
    await tokenHelpdesk.close()
    const text = seen.join('\n')
    expect(text).toContain('[redacted]')
    // what is not a credential stays readable
    expect(text).toContain('Basic authentication required')
    for (const form of forms) {
      expect(text.includes(form), `${form} appeared in:\n${text}`).toBe(false)
      const leaked = fragments(form).find((f) => text.includes(f))
      expect(leaked, `${FRAGMENT} characters of ${form} ("${leaked}") appeared in:\n${text}`).toBeUndefined()
    }
  })

  describe('register', () => {
    it.each<[string, Fault | undefined]>([
      ['success', undefined],
      ['401 that echoes', echo(401)],
      ['403 that echoes', echo(403)],
      ['404', { kind: 'status', status: 404 }],
      ['503 that echoes', { ...echo(503), headers: { 'retry-after': '120' } }],
      ['a reset', { kind: 'reset' }],
    ])('%s', async (_, registerFault) => {
      helpdesk.setPlan(() => registerFault)
      const res = keep(await register(config))
      if (registerFault === undefined) expect(seen.join('\n')).toContain('Connected to the helpdesk')
      else expect(res.status).toBeGreaterThanOrEqual(400)
      expectNoSecret()
    })

    it('an unreachable helpdesk, and configurations that are invalid around valid credentials', async () => {
      keep(await register({ ...config, helpdeskUrl: 'http://127.0.0.1:1' }))
      keep(await register({ ...config, helpdeskUrl: `https://user:${TOKEN}@helpdesk.test` }))
      keep(await register({ ...config, helpdeskUrl: `https://helpdesk.test/?token=${TOKEN}` }))
      keep(await register({ ...config, webhookSecret: `${SECRET}!` }))
      keep(await register({ ...config, webhookSecret: KEY }))
      keep(await register({ ...config, apiToken: 42, requestTimeoutMs: 5 }))
      expectNoSecret()
    })
  })

  describe('webhooks', () => {
    const event = { id: 'evt_1', type: 'conversation.closed', conversationId: 'hd_conv_1' }
    const signed = (body: string, secret = SECRET) => {
      const id = 'wh_1'
      const now = new Date()
      return {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(id, now, body),
      }
    }
    const send = (body: string, headers: Record<string, string>) =>
      deliver({ body, sign: false, headers: { authorization: AUTHORIZATION, 'x-api-key': TOKEN, ...headers }, configuration: config }).then(keep)

    it('good, duplicate, forged, stale, not JSON, failing the schema, unknown conversation, Botpress down', async () => {
      await openConversation(world.api, { id: 'hd_conv_1' })
      const raw = JSON.stringify(event)
      expect((await send(raw, signed(raw))).status).toBe(200)
      expect((await send(raw, signed(raw))).status).toBe(200)
      expect((await send(raw, signed(raw, `whsec_${Buffer.alloc(32, 1).toString('base64')}`))).status).toBe(401)
      expect((await send(raw, { ...signed(raw), 'webhook-signature': `v1,${KEY}` })).status).toBe(401)
      expect((await send(raw, { ...signed(raw), 'webhook-signature': `v1,${TOKEN} v1,${SECRET}` })).status).toBe(401)
      expect((await send(raw, { ...signed(raw), 'webhook-timestamp': '1000' })).status).toBe(401)
      expect((await send(raw, {})).status).toBe(401)
      expect((await send(`{${TOKEN}`, signed(`{${TOKEN}`))).status).toBe(400)
      const badSchema = JSON.stringify({ type: 'message.created', conversationId: TOKEN, agent: { id: KEY }, message: { id: 'm', type: TOKEN, payload: {} } })
      expect((await send(badSchema, signed(badSchema))).status).toBe(400)
      const unknown = JSON.stringify({ ...event, conversationId: 'hd_other' })
      expect((await send(unknown, signed(unknown))).status).toBe(404)
      world.api.failNext('listConversations', { status: 500, times: 4, headers: { 'retry-after': '0' } })
      const other = JSON.stringify({ ...event, id: 'evt_2', conversationId: 'hd_conv_2' })
      expect((await send(other, signed(other))).status).toBe(503)
      expect(seen.join('\n')).toContain('Refused a webhook request')
      expectNoSecret()
    })

    it('a misconfigured integration receiving a webhook', async () => {
      const raw = JSON.stringify(event)
      keep(await deliver({ body: raw, sign: false, headers: signed(raw), configuration: { ...config, webhookSecret: `${SECRET}=` } }))
      keep(await deliver({ body: raw, sign: false, headers: signed(raw), configuration: { ...config, helpdeskUrl: `ftp://${TOKEN}` } }))
      expectNoSecret()
    })
  })

  it('an unknown operation and an unknown action', async () => {
    keep(await invoke('action_triggered', { type: 'nope', input: { token: 'x' } }, config))
    keep(await runAction('startHitl', { userId: 'user_missing', messageHistory: [] }, config))
    expectNoSecret()
  })
})
