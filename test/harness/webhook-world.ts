import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from 'vitest'
import { startBotpressApi, type BotpressApiServer, type BotSnapshot } from '../../sandbox/botpress-api'
import { referenceFor } from '../../contract/reference'
import { BOT_ID, deliver, TEST_SECRET, type WebhookAnswer } from './integration'

/*
 * The world of the webhook tests: a loopback Botpress API (fresh data for every test) whose clock is the test's
 * clock, so that fake timers move leases, the SDK's Retry-After waits and state expiry together; and the
 * integration's log lines captured instead of printed.
 */

// Captured before any test fakes timers: a real pause lets loopback I/O progress between steps of fake time.
const realSetTimeout = globalThis.setTimeout
const realPause = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms))

export const useWebhookWorld = () => {
  const world = { logs: [] as string[] } as { api: BotpressApiServer; logs: string[] }
  beforeAll(async () => {
    world.api = await startBotpressApi({ log: () => {}, now: () => Date.now() })
    process.env.BP_API_URL = world.api.url
  })
  beforeEach(() => {
    world.api.reset()
    world.logs.length = 0
    for (const method of ['info', 'warn', 'log', 'debug', 'error'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void world.logs.push(`${method}: ${args.map(String).join(' ')}`))
    }
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })
  afterAll(async () => {
    await world.api.close()
  })
  return world
}

/** Fake time for timers and Date; real I/O still runs (see `drive`). */
export const useFakeClock = () =>
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: Date.parse('2026-05-01T09:00:00Z') })

/** Lets fake time pass in small steps, with real pauses for loopback I/O, until `promise` settles. */
export const drive = async <T>(promise: Promise<T>, maxMs = 120_000): Promise<T> => {
  let settled = false
  promise.then(
    () => (settled = true),
    () => (settled = true)
  )
  for (let elapsed = 0; !settled && elapsed <= maxMs; elapsed += 100) {
    await realPause(2)
    if (!settled) await vi.advanceTimersByTimeAsync(100)
  }
  return promise
}

/** Lets `ms` of fake time pass, with real pauses so that work in flight progresses meanwhile. */
export const elapse = async (ms: number) => {
  for (let elapsed = 0; elapsed < ms; elapsed += 100) {
    await realPause(2)
    await vi.advanceTimersByTimeAsync(Math.min(100, ms - elapsed))
  }
}

/** Waits (real time, briefly) until `condition` holds: a request reached a point in the sandbox. */
export const until = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !condition(); i++) await realPause(2)
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

export const snapshot = (api: BotpressApiServer, botId = BOT_ID): BotSnapshot => api.store.bot(botId)

export { openConversation } from './seed'

export const agent = { id: 'agent_7', name: 'Grace Hopper', pictureUrl: 'https://x.test/grace.png' }
export const otherAgent = { id: 'agent_9', name: 'Alan Turing' }

export const assigned = (a: { id: string; name?: string } = agent, occurredAt?: string) => ({
  type: 'agent.assigned',
  conversationId: 'hd_conv_1',
  agent: a,
  ...(occurredAt ? { occurredAt } : {}),
})
export const closed = () => ({ type: 'conversation.closed', conversationId: 'hd_conv_1', reason: 'solved' })
export const message = (id = 'hd_msg_1', patch: Record<string, unknown> = {}) => ({
  type: 'message.created',
  conversationId: 'hd_conv_1',
  agent,
  message: { id, type: 'text', payload: { text: `message ${id}` } },
  ...patch,
})

/** `body` with the reference of Botpress conversation `conversationId` echoed, as issued with `secret`. */
export const referenced = <T extends object>(body: T, conversationId: string, secret = TEST_SECRET): T & { reference: string } => ({
  ...body,
  reference: referenceFor(secret, conversationId),
})

/** Delivers `body` with webhook-id `webhookId`, as a helpdesk (re)delivers it. */
export const send = (body: unknown, webhookId: string, alias?: string, secret?: string): Promise<WebhookAnswer> =>
  deliver({
    body,
    sign: { id: webhookId, ...(secret ? { secret } : {}) },
    ...(alias ? { alias } : {}),
  })

/** The announcements made to the bot, oldest first: 'stopped', or the agent id of the assigned user. */
export const announcements = (api: BotpressApiServer, botId = BOT_ID) => {
  const bot = snapshot(api, botId)
  return bot.events
    .filter((e) => e.type === 'hitlAssigned' || e.type === 'hitlStopped')
    .map((e) => {
      if (e.type === 'hitlStopped') return 'stopped'
      const user = bot.users.find((u) => u.id === (e.payload as { userId?: string }).userId)
      // another installation's tags are seen by the bot under its prefix (`hitl-b:agentId`)
      const agentId = Object.entries(user?.tags ?? {}).find(([key]) => key === 'agentId' || key.endsWith(':agentId'))?.[1]
      return `assigned:${agentId ?? '?'}`
    })
}

export const expectAnswer = (answer: WebhookAnswer, status: number, body?: Record<string, unknown>) => {
  expect({ status: answer.status, body: answer.body }).toMatchObject({ status, ...(body ? { body } : {}) })
}
