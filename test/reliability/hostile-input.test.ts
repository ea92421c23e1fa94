import fc from 'fast-check'
import { Webhook } from 'standardwebhooks'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { webhookEventSchema } from '../../contract/webhook-events'
import { unsafeUrls } from '../../src/webhook/url-rule'
import { useWorld } from '../harness/botpress'
import { deliver, signatureHeaders, TEST_SECRET, type WebhookAnswer } from '../harness/integration'
import { openConversation, snapshot } from '../harness/reliability'


/** Property tests make many webhook calls; under a parallel run they need more than the default 20 s. */
const PROPERTY_TIMEOUT = 60_000
/*
 * Whatever reaches the webhook, the integration answers (never throws, never 5xx for bad input), refuses with a 4xx
 * everything that is not a valid signed event, and refuses before it touches Botpress: no call at all for a bad
 * signature or a bad body, and the store (users, messages, events, states, tags) stays as it was.
 */

const world = useWorld()
const RUNS = { numRuns: 60 }
const OTHER_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`
const OPEN = 'hd_open'
const CLOSED = 'hd_closed'
const nowSeconds = () => Math.floor(Date.now() / 1000)

let errors: string[] = []
beforeEach(() => {
  errors = []
  // the SDK prints an error that escapes the handler with console.error; refusals are logged as warnings
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.map(String).join(' ')))
  for (const method of ['info', 'warn', 'log', 'debug'] as const) vi.spyOn(console, method).mockImplementation(() => {})
})
afterEach(() => {
  vi.restoreAllMocks()
  expect(errors.filter((e) => /unexpected error/i.test(e))).toEqual([])
})

const seed = async () => {
  world.api.reset()
  await openConversation(world.api, { id: OPEN })
  await openConversation(world.api, { id: CLOSED, closed: 'true' })
}

/* ----------------------------------------------------------------------------------------------- arbitraries */

const text = fc.string({ minLength: 1, maxLength: 30, unit: 'binary' })
const helpdeskId = fc.oneof(
  fc.stringMatching(/^[a-z0-9_-]{1,24}$/),
  fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '🙂‍↔️', 'a\u0000b', 'x'.repeat(200))
)
/** A valid URL is http(s) (the contract refuses any other scheme); what follows the scheme is anything. */
const httpUrl = fc.tuple(fc.constantFrom('https://', 'http://', 'HTTPS://'), fc.string({ minLength: 1, maxLength: 30 }).filter((rest) => !/\s/.test(rest))).map(([scheme, rest]) => scheme + rest)
const withTitle = <K extends 'imageUrl' | 'audioUrl' | 'videoUrl' | 'fileUrl'>(key: K) =>
  fc
    .record({ url: httpUrl, title: text }, { requiredKeys: ['url'] })
    .map(({ url, title }) => ({ [key]: url, ...(title === undefined ? {} : { title }) }) as Record<K, string> & { title?: string })
const blocItem = fc.oneof(
  fc.record({ type: fc.constant('text'), payload: fc.record({ text }) }),
  fc.record({ type: fc.constant('markdown'), payload: fc.record({ markdown: text }) }),
  fc.record({ type: fc.constant('image'), payload: withTitle('imageUrl') }),
  fc.record({ type: fc.constant('audio'), payload: withTitle('audioUrl') }),
  fc.record({ type: fc.constant('video'), payload: withTitle('videoUrl') }),
  fc.record({ type: fc.constant('file'), payload: withTitle('fileUrl') }),
  fc.record(
    {
      type: fc.constant('location'),
      payload: fc.record(
        {
          latitude: fc.double({ noNaN: true, noDefaultInfinity: true }),
          longitude: fc.double({ noNaN: true, noDefaultInfinity: true }),
          address: fc.string(),
          title: fc.string(),
        },
        { requiredKeys: ['latitude', 'longitude'] }
      ),
    }
  )
)
const agentMessage = fc.oneof(
  fc.record({ type: fc.constant('text'), payload: fc.record({ text }) }),
  fc.record({ type: fc.constant('image'), payload: withTitle('imageUrl') }),
  fc.record({ type: fc.constant('audio'), payload: withTitle('audioUrl') }),
  fc.record({ type: fc.constant('video'), payload: withTitle('videoUrl') }),
  fc.record({ type: fc.constant('file'), payload: withTitle('fileUrl') }),
  fc.record({ type: fc.constant('bloc'), payload: fc.record({ items: fc.array(blocItem, { maxLength: 3 }) }) })
)
const agent = fc.record(
  { id: helpdeskId, name: fc.string({ maxLength: 40 }), email: fc.string({ maxLength: 40 }), pictureUrl: httpUrl },
  { requiredKeys: ['id'] }
)
const conversationId = fc.oneof(fc.constantFrom(OPEN, CLOSED), helpdeskId)
const eventId = fc.option(helpdeskId, { nil: undefined })
const withId = <T extends object>(id: string | undefined, event: T) => (id === undefined ? event : { id, ...event })

/** Valid events of the three types, with random ids, names, payloads; the conversation is open, closed or unknown. */
const validEvent = fc.oneof(
  fc
    .tuple(eventId, conversationId, agent, helpdeskId, agentMessage)
    .map(([id, conversationId, agent, messageId, message]) =>
      withId(id, { type: 'message.created' as const, conversationId, agent, message: { id: messageId, ...message } })
    ),
  fc
    .tuple(eventId, conversationId, agent)
    .map(([id, conversationId, agent]) => withId(id, { type: 'agent.assigned' as const, conversationId, agent })),
  fc
    .tuple(eventId, conversationId, fc.option(fc.string(), { nil: undefined }))
    .map(([id, conversationId, reason]) =>
      withId(id, { type: 'conversation.closed' as const, conversationId, ...(reason === undefined ? {} : { reason }) })
    )
)
/** A valid event for the open conversation: what a forged or tampered request would have created. */
const eventForOpenConversation = validEvent.map((event) => ({ ...event, conversationId: OPEN }))

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Path = Array<string | number>

const pathsOf = (value: Json, prefix: Path = []): Path[] => {
  if (value === null || typeof value !== 'object') return [prefix]
  const entries: Array<[string | number, Json]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value)
  return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))]
}

const setOwn = (target: Record<string, Json> | Json[], key: string | number, value: Json | undefined) => {
  if (value === undefined) {
    if (Array.isArray(target)) target.splice(Number(key), 1)
    else delete target[String(key)]
    return
  }
  // defineProperty so that `__proto__` becomes an own key of the JSON text, as JSON.parse would make it
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true })
}

type Mutation =
  | { kind: 'remove' }
  | { kind: 'retype'; value: Json }
  | { kind: 'huge'; size: number }
  | { kind: 'unicode'; value: string }
  | { kind: 'pollute'; key: string; value: Json }
  | { kind: 'retag'; value: string }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ kind: 'remove' as const }),
  fc.record({ kind: fc.constant('retype' as const), value: fc.oneof(fc.constantFrom<Json>(null, 0, -1, 1.5, true, false, '', [], {}, [1, 2]), fc.jsonValue() as fc.Arbitrary<Json>) }),
  fc.record({ kind: fc.constant('huge' as const), size: fc.integer({ min: 201, max: 200_000 }) }),
  fc.record({
    kind: fc.constant('unicode' as const),
    value: fc.oneof(fc.string({ unit: 'binary', maxLength: 50 }), fc.constantFrom('\ud800', '\udfff x', '\u202e\u0000', '\ufeff', '👩🏽‍💻'.repeat(60))),
  }),
  fc.record({
    kind: fc.constant('pollute' as const),
    key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
    value: fc.constantFrom<Json>({ polluted: true }, { toString: 'x' }, { isAdmin: true, closed: 'true' }, null, 'x'),
  }),
  fc.record({ kind: fc.constant('retag' as const), value: fc.oneof(fc.constantFrom('message.created ', 'MESSAGE.CREATED', 'conversation.closed\u0000', 'agent.unassigned'), fc.string()) })
)

const applyMutation = (event: Json, pathIndex: number, m: Mutation): Json => {
  const copy = structuredClone(event)
  if (m.kind === 'retag') {
    ;(copy as Record<string, Json>).type = m.value
    return copy
  }
  const paths = pathsOf(copy)
  const path = paths[pathIndex % paths.length]!
  if (path.length === 0) {
    if (m.kind === 'pollute') {
      setOwn(copy as Record<string, Json>, m.key, m.value)
      return copy
    }
    return m.kind === 'remove' ? {} : m.kind === 'retype' ? m.value : m.kind === 'huge' ? 'x'.repeat(m.size) : m.value
  }
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key as string] as Json, copy) as
    | Record<string, Json>
    | Json[]
  const key = path[path.length - 1]!
  const current = (parent as Record<string, Json>)[key as string]
  switch (m.kind) {
    case 'remove':
      setOwn(parent, key, undefined)
      break
    case 'retype':
      setOwn(parent, key, m.value)
      break
    case 'huge':
      setOwn(parent, key, typeof current === 'string' ? current + 'x'.repeat(m.size) : 'x'.repeat(m.size))
      break
    case 'unicode':
      setOwn(parent, key, m.value)
      break
    case 'pollute':
      if (current !== null && typeof current === 'object' && !Array.isArray(current)) setOwn(current, m.key, m.value)
      else setOwn(parent as Record<string, Json>, m.key, m.value)
      break
  }
  return copy
}

const extraHeaders = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((name) => !name.startsWith('webhook-') && name !== 'content-type'),
  fc.string({ maxLength: 40 }).map((v) => v.replace(/[^\x20-\x7e]/g, '')),
  { maxKeys: 4 }
)

/* ------------------------------------------------------------------------------------------------- oracles */

type Expectation = { status: number[]; writes: boolean }

/** What the contract says about a signed body, given the seeded conversations. */
const contractAnswer = (raw: string): Expectation => {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return { status: [400], writes: false }
  }
  const parsed = webhookEventSchema.safeParse(json)
  if (!parsed.success) return { status: [400], writes: false }
  const event = parsed.data
  // the schema takes any string in most *Url fields; the handler refuses all but http(s) before any lookup
  if (unsafeUrls(event).length > 0) return { status: [400], writes: false }
  if (event.conversationId !== OPEN && event.conversationId !== CLOSED) return { status: [404], writes: false }
  if (event.conversationId === CLOSED) return event.type === 'conversation.closed' ? { status: [200], writes: false } : { status: [409], writes: false }
  return { status: [200], writes: true }
}

/** Sends a request and checks that its refusal (or duplicate answer) left no trace: no write, the store as it was. */
const expectRefused = async (send: () => Promise<WebhookAnswer>, status: number | number[], touchesBotpress = false) => {
  const before = snapshot(world.api)
  world.api.resetCalls()
  const res = await send()
  const allowed = Array.isArray(status) ? status : [status]
  expect(allowed, JSON.stringify(res.body)).toContain(res.status)
  if (res.status === 200) expect(res.body).toEqual({ ok: true, duplicate: true })
  else expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } })
  if (!touchesBotpress) expect(world.api.calls.map((c) => c.operation)).toEqual([])
  else expect(world.api.calls.filter((c) => c.method !== 'GET').map((c) => c.operation)).toEqual([])
  expect(snapshot(world.api)).toEqual(before)
  return res
}

const sendSigned = (raw: string, extra: Record<string, string> = {}) => deliver({ body: raw, sign: {}, headers: extra })
const sendWith = (raw: string, headers: Record<string, string>) => deliver({ body: raw, sign: false, headers })

/* --------------------------------------------------------------------------------------------- properties */

describe('signed bodies that are not events', () => {
  it('answers 400 to any JSON value that is not an event, creating nothing', async () => {
    await seed()
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), extraHeaders, async (value, extra) => {
        const raw = JSON.stringify(value)
        fc.pre(!webhookEventSchema.safeParse(value).success)
        const res = await expectRefused(() => sendSigned(raw, extra), 400)
        expect((res.body.error as { code: string }).code).toBe('invalid_event')
      }),
      { numRuns: 80 }
    )
  }, PROPERTY_TIMEOUT)

  it('answers 400 invalid_json to any text that is not JSON (including binary and the empty body)', async () => {
    await seed()
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.constantFrom('', ' ', '{', '{"type":"message.created"', 'null x', '\ufeff{}', '{"a":1}}', 'NaN', "{'type':'x'}"),
          fc.json().map((j) => `${j}\u0000`)
        ),
        async (raw) => {
          let isJson = true
          try {
            JSON.parse(raw)
          } catch {
            isJson = false
          }
          fc.pre(!isJson)
          const res = await expectRefused(() => sendSigned(raw), 400)
          expect((res.body.error as { code: string }).code).toBe('invalid_json')
        }
      ),
      { numRuns: 80 }
    )
  }, PROPERTY_TIMEOUT)

  it('answers valid events with fields removed, retyped, oversized, unicode-mangled or polluted as the contract says', async () => {
    await fc.assert(
      fc.asyncProperty(validEvent, fc.nat(), mutation, async (event, pathIndex, m) => {
        await seed()
        const raw = JSON.stringify(applyMutation(event as Json, pathIndex, m))
        const expected = contractAnswer(raw)
        if (!expected.writes) {
          const res = await expectRefused(() => sendSigned(raw), expected.status, true)
          if (res.status === 400) {
            const issues = (res.body.error as { issues?: Array<{ path: string; message: string }> }).issues
            if ((res.body.error as { code: string }).code === 'invalid_event') expect(issues?.length).toBeGreaterThan(0)
          }
        } else {
          const res = await sendSigned(raw)
          expect(expected.status, JSON.stringify(res.body)).toContain(res.status)
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined()
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
      }),
      { numRuns: 80 }
    )
  }, PROPERTY_TIMEOUT)

  it('keeps prototype-pollution keys out of the objects it creates', async () => {
    await seed()
    const raw =
      '{"__proto__":{"polluted":1},"type":"message.created","conversationId":"hd_open","constructor":{"prototype":{"polluted":2}},' +
      '"agent":{"id":"agent_p","__proto__":{"isAdmin":true},"name":"Eve"},' +
      '"message":{"id":"m_p","type":"text","payload":{"text":"hi","__proto__":{"polluted":3},"constructor":{"x":1}}}}'
    const res = await sendSigned(raw)
    expect(res.status).toBe(200)
    const bot = snapshot(world.api)
    expect(bot.messages.map((m) => m.payload)).toEqual([{ text: 'hi' }])
    expect(bot.users.map((u) => u.tags)).toEqual([{ agentId: 'agent_p' }])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  })

  it('handles huge and unusual strings: 413 above 1 MiB before anything else, 400 for ids over 200 characters, 200 otherwise', async () => {
    await seed()
    const big = (text: string, agentName = 'Eve', messageId = 'm_big') =>
      JSON.stringify({ type: 'message.created', conversationId: OPEN, agent: { id: 'a1', name: agentName }, message: { id: messageId, type: 'text', payload: { text } } })
    await expectRefused(() => sendWith(big('x'.repeat(1024 * 1024)), {}), 413)
    await expectRefused(() => sendSigned(big('é'.repeat(600 * 1024))), 413) // 1.2 MB in UTF-8, 600 K characters
    await expectRefused(() => sendSigned(big('ok', 'Eve', 'm'.repeat(201))), 400)
    await expectRefused(() => sendSigned(JSON.stringify({ type: 'conversation.closed', conversationId: 'c'.repeat(201) })), 400)
    await expectRefused(() => sendSigned('['.repeat(200_000) + ']'.repeat(200_000)), 400)
    await expectRefused(() => sendSigned(`{"a":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_001)}`), 400)
    expect((await sendSigned(big('x'.repeat(900 * 1024), 'N'.repeat(50_000)))).status).toBe(200)
    expect((await sendSigned(big('\ud800 lone surrogate \u202e\u0000 👩🏽‍💻', 'Ζωή 🙂', 'm_unicode'))).status).toBe(200)
    expect(snapshot(world.api).messages).toHaveLength(2)
  })
})

describe('requests that are not signed with the secret', () => {
  const signFor = (raw: string, id: string, timestamp: number, secret = TEST_SECRET) =>
    new Webhook(secret).sign(id, new Date(timestamp * 1000), raw).slice('v1,'.length)

  type BadSigning = (raw: string) => Record<string, string>
  const flip = (s: string, i: number) => {
    const at = i % s.length
    const c = s[at] === 'A' ? 'B' : 'A'
    return s.slice(0, at) + c + s.slice(at + 1)
  }

  const badSigning: fc.Arbitrary<BadSigning> = fc.oneof(
    // one, two or all three headers missing
    fc.subarray(['webhook-id', 'webhook-timestamp', 'webhook-signature'], { minLength: 1 }).map((missing) => (raw: string) => {
      const headers = signatureHeaders(raw)
      for (const name of missing) delete headers[name]
      return headers
    }),
    // garbage in the signature header
    fc.string({ maxLength: 120 }).map((garbage) => (raw: string) => ({ ...signatureHeaders(raw), 'webhook-signature': garbage })),
    // v1 and base64 of random bytes of any length, including the right one (32 bytes)
    fc.uint8Array({ maxLength: 64 }).map((bytes) => (raw: string) => ({
      ...signatureHeaders(raw),
      'webhook-signature': `v1,${Buffer.from(bytes).toString('base64')}`,
    })),
    // the right HMAC behind a wrong version prefix
    fc.constantFrom('v2,', 'v1a,', 'V1,', 'v0,', 'v1;', 'v1 ', ',', 'v1,,', 'v1=').map((prefix) => (raw: string) => {
      const id = 'wh_prefix'
      const ts = nowSeconds()
      return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `${prefix}${signFor(raw, id, ts)}` }
    }),
    // the right HMAC, truncated, extended, or with one character changed
    fc.tuple(fc.constantFrom('truncate', 'extend', 'flip', 'pad', 'lower'), fc.nat()).map(([how, n]) => (raw: string) => {
      const id = 'wh_edit'
      const ts = nowSeconds()
      const good = signFor(raw, id, ts)
      const edited =
        how === 'truncate'
          ? good.slice(0, n % good.length)
          : how === 'extend'
            ? `${good}${'A'.repeat(1 + (n % 8))}`
            : how === 'flip'
              ? flip(good, n)
              : how === 'pad'
                ? good.replace(/=+$/, '')
                : good.toLowerCase() === good ? flip(good, n) : good.toLowerCase()
      return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${edited}` }
    }),
    // several signatures (rotation), none valid
    fc.array(fc.constantFrom('other-secret', 'other-id', 'other-time', 'v2'), { minLength: 2, maxLength: 5 }).map((kinds) => (raw: string) => {
      const id = 'wh_rotation'
      const ts = nowSeconds()
      const sigs = kinds.map((kind) =>
        kind === 'other-secret'
          ? `v1,${signFor(raw, id, ts, OTHER_SECRET)}`
          : kind === 'other-id'
            ? `v1,${signFor(raw, 'wh_other', ts)}`
            : kind === 'other-time'
              ? `v1,${signFor(raw, id, ts - 1)}`
              : `v2,${signFor(raw, id, ts)}`
      )
      return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': sigs.join(' ') }
    }),
    // a valid signature over a timestamp more than 300 s away
    fc.tuple(fc.boolean(), fc.integer({ min: 301, max: 10 ** 9 })).map(([past, offset]) => (raw: string) => {
      const ts = nowSeconds() + (past ? -offset : offset)
      return signatureHeaders(raw, { timestamp: ts })
    }),
    // a timestamp that is not a number of seconds, with a signature made over it
    fc
      .oneof(fc.constantFrom('abc', '1e9', '12.5', '-1', ' 1', '0x10', '', '１２３', '9'.repeat(13)), fc.string({ maxLength: 12 }).filter((s) => !/^\d{1,12}$/.test(s)))
      .map((ts) => (raw: string) => {
        const headers = signatureHeaders(raw)
        return { ...headers, 'webhook-timestamp': ts }
      })
  )

  it('answers 401 to every bad signing of a valid event, before any Botpress call', async () => {
    await seed()
    await fc.assert(
      fc.asyncProperty(eventForOpenConversation, badSigning, extraHeaders, async (event, signing, extra) => {
        const raw = JSON.stringify(event)
        const res = await expectRefused(() => sendWith(raw, { ...extra, ...signing(raw) }), 401)
        expect((res.body.error as { code: string }).code).toBe('invalid_signature')
      }),
      { numRuns: 200 }
    )
  }, PROPERTY_TIMEOUT)

  it('answers 401 to a body changed after signing (one character replaced, added or removed)', async () => {
    await seed()
    await fc.assert(
      fc.asyncProperty(
        eventForOpenConversation,
        fc.nat(),
        fc.constantFrom('replace', 'insert', 'delete'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        async (event, at, how, char) => {
          const raw = JSON.stringify(event)
          const headers = signatureHeaders(raw)
          const i = at % raw.length
          const changed =
            how === 'replace'
              ? raw.slice(0, i) + (raw[i] === char ? (char === 'a' ? 'b' : 'a') : char) + raw.slice(i + 1)
              : how === 'insert'
                ? raw.slice(0, i) + char + raw.slice(i)
                : raw.slice(0, i) + raw.slice(i + 1)
          fc.pre(changed !== raw)
          await expectRefused(() => sendWith(changed, headers), 401)
        }
      ),
      { numRuns: 100 }
    )
  }, PROPERTY_TIMEOUT)

  it('answers 401 to a byte changed in the UTF-8 of the signed body', async () => {
    await seed()
    const raw = JSON.stringify({ type: 'conversation.closed', conversationId: OPEN, reason: 'résolu ✓' })
    const headers = signatureHeaders(raw)
    const bytes = Buffer.from(raw, 'utf8')
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes)
      changed[i] = changed[i]! ^ 0x01
      await expectRefused(() => sendWith(changed.toString('utf8'), headers), 401)
    }
  })
})

describe('signature edge cases, one by one', () => {
  const event = { type: 'conversation.closed', conversationId: OPEN }
  const raw = JSON.stringify(event)
  // one timestamp per test, so that a signature and its header never straddle a second boundary
  let now = nowSeconds()
  const sig = (secret: string, id = 'wh_edge', ts = now) => new Webhook(secret).sign(id, new Date(ts * 1000), raw)
  const headers = (signature: string, ts = now, id = 'wh_edge') => ({
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': signature,
  })
  const key = (n: number) => `whsec_${Buffer.alloc(32, n).toString('base64')}`

  beforeEach(async () => {
    now = nowSeconds()
    await seed()
  })

  it('secret rotation: accepts the valid one among several signatures, in any position', async () => {
    const ts = nowSeconds()
    const s = (secret: string) => sig(secret, 'wh_edge', ts)
    for (const signature of [
      `${s(key(1))} ${s(TEST_SECRET)}`,
      `${s(TEST_SECRET)} ${s(key(1))} ${s(key(2))}`,
      `v2,abc ${s(key(1))} ${s(TEST_SECRET)}`,
    ]) {
      await seed()
      expect((await sendWith(raw, headers(signature, ts))).status).toBe(200)
    }
  })

  it('secret rotation: refuses several signatures none of which is valid', async () => {
    await expectRefused(() => sendWith(raw, headers(`${sig(key(1))} ${sig(key(2))} ${sig(key(3))}`)), 401)
  })

  it.each(['v2,', 'v1a,', 'V1,', 'v0,', ''])('refuses a valid HMAC behind the version prefix %j', async (prefix) => {
    const good = sig(TEST_SECRET).slice('v1,'.length)
    await expectRefused(() => sendWith(raw, headers(`${prefix}${good}`)), 401)
  })

  it('refuses the base64 of a signature of the wrong length', async () => {
    const good = Buffer.from(sig(TEST_SECRET).slice(3), 'base64')
    for (const bytes of [good.subarray(0, 31), Buffer.concat([good, Buffer.from([0])]), Buffer.alloc(0), Buffer.alloc(64, 1)]) {
      await expectRefused(() => sendWith(raw, headers(`v1,${bytes.toString('base64')}`)), 401)
    }
  })

  it.each([
    ['301 s in the past', -301],
    ['one day in the past', -86_400],
    ['301 s in the future', 301],
    ['one year in the future', 365 * 86_400],
  ])('refuses a timestamp %s, even correctly signed', async (_, offset) => {
    const ts = nowSeconds() + offset
    const res = await expectRefused(() => sendWith(raw, headers(sig(TEST_SECRET, 'wh_edge', ts), ts)), 401)
    expect((res.body.error as { message: string }).message).toContain('300 s')
  })

  it.each(['abc', '1e9', '12.5', '-5', '', ' 1700000000', '0x6553f100', '1'.repeat(13)])(
    'refuses the non-numeric timestamp %j',
    async (ts) => {
      await expectRefused(() => sendWith(raw, { ...headers(sig(TEST_SECRET)), 'webhook-timestamp': ts }), 401)
    }
  )

  it.each([
    ['with a decimal part', (ts: number) => `${ts}.0`],
    ['with trailing text', (ts: number) => `${ts}abc`],
    ['with a leading space', (ts: number) => ` ${ts}`],
    ['in exponent form', (ts: number) => `${ts}e0`],
    ['as a date', (ts: number) => new Date(ts * 1000).toISOString()],
  ])('refuses a timestamp written %s, even with a signature over the number it starts with', async (_, write) => {
    const ts = nowSeconds()
    await expectRefused(() => sendWith(raw, { ...headers(sig(TEST_SECRET, 'wh_edge', ts), ts), 'webhook-timestamp': write(ts) }), 401)
  })

  it('refuses a body changed by one byte after signing', async () => {
    const good = headers(sig(TEST_SECRET))
    await expectRefused(() => sendWith(raw.replace(OPEN, 'hd_opem'), good), 401)
    await expectRefused(() => sendWith(`${raw} `, good), 401)
  })

  it('empty body: 401 unsigned or signed over another body, 400 invalid_json when signed', async () => {
    await expectRefused(() => sendWith('', {}), 401)
    await expectRefused(() => sendWith('', headers(sig(TEST_SECRET))), 401)
    const res = await expectRefused(() => sendSigned(''), 400)
    expect((res.body.error as { code: string }).code).toBe('invalid_json')
  })

  it('refuses a signature over the right body with the secret of another integration', async () => {
    await expectRefused(() => sendWith(raw, headers(sig(OTHER_SECRET))), 401)
  })
})

describe('valid signed events with random content', () => {
  it('are answered 200, 404 or 409 as the contract says, and 404/409 create nothing', async () => {
    await fc.assert(
      fc.asyncProperty(validEvent, async (event) => {
        expect(webhookEventSchema.safeParse(event).success).toBe(true)
        await seed()
        const raw = JSON.stringify(event)
        const expected = contractAnswer(raw)
        if (!expected.writes) {
          await expectRefused(() => sendSigned(raw), expected.status, true)
          return
        }
        const before = snapshot(world.api)
        const res = await sendSigned(raw)
        expect(res.status, JSON.stringify(res.body)).toBe(200)
        expect(res.body).toEqual({ ok: true })
        const after = snapshot(world.api)
        const open = after.conversations.find((c) => c.tags.id === OPEN)!
        if (event.type === 'message.created') {
          expect(after.messages.length).toBe(before.messages.length + 1)
          const sent = JSON.parse(JSON.stringify(event.message.payload)) as unknown
          expect(after.messages.at(-1)).toMatchObject({ conversationId: open.id, type: event.message.type, payload: sent })
        } else {
          expect(after.events.map((e) => e.type)).toEqual([event.type === 'agent.assigned' ? 'hitlAssigned' : 'hitlStopped'])
        }
      }),
      RUNS
    )
  }, PROPERTY_TIMEOUT)
})
