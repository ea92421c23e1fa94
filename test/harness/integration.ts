import type { Request, Response } from '@botpress/sdk'
import { Webhook } from 'standardwebhooks'
import integration from '../../src/index'

/* Calls the integration the way Botpress Cloud does: `integration.handler(req)` with the x-bp-* headers. */

export const TEST_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
export const TEST_TOKEN = 'tok_live_4f9c2a7d1e8b'
export const HELPDESK = 'https://helpdesk.test'
export const HELPDESK_URL = `${HELPDESK}/api`

/** Set on a test configuration (a symbol: not part of the configuration's JSON) to send `x-bp-configuration-type`. */
export const CONFIGURATION_TYPE = Symbol('configurationType')
export type TestConfig = Record<string, unknown> & { [CONFIGURATION_TYPE]?: string }

/** A configuration of one of the additional configuration types (e.g. `requestTracker`). */
export const ofType = (type: string, configuration: Record<string, unknown>): TestConfig => ({
  ...configuration,
  [CONFIGURATION_TYPE]: type,
})
export const testConfig: TestConfig = {
  helpdeskUrl: HELPDESK_URL,
  apiToken: TEST_TOKEN,
  webhookSecret: TEST_SECRET,
  requestTimeoutMs: 2000,
}

export const BOT_ID = 'bot_test'

const headersFor = (operation: string, configuration: TestConfig, alias = 'hitl'): Record<string, string> => ({
  'x-bp-operation': operation,
  'x-bp-type': operation,
  'x-bot-id': BOT_ID,
  'x-bot-user-id': 'user_bot',
  'x-integration-id': 'int_hitl',
  'x-integration-alias': alias,
  'x-webhook-id': `wh_${alias}_test`,
  'x-bp-configuration': Buffer.from(JSON.stringify(configuration)).toString('base64'),
  // absent: the default configuration (the hitl contract); otherwise a helpdesk product's configuration type
  ...(configuration[CONFIGURATION_TYPE] ? { 'x-bp-configuration-type': configuration[CONFIGURATION_TYPE] } : {}),
})

/**
 * `alias`: the installation called (two installations of the integration in one bot have two aliases); a helpdesk
 * product's configuration type travels with the configuration (`ofType`).
 */
export const invoke = async (operation: string, body: unknown, configuration = testConfig, alias?: string): Promise<Response> => {
  const req: Request = {
    method: 'POST',
    path: '/',
    query: '',
    headers: headersFor(operation, configuration, alias),
    body: JSON.stringify(body),
  }
  return (await integration.handler(req)) ?? { status: 200 }
}

export type ActionResult<O = Record<string, unknown>> = { status: number; output?: O; error?: string }

export const runAction = async <O = Record<string, unknown>>(
  type: string,
  input: unknown,
  configuration = testConfig
): Promise<ActionResult<O>> => {
  const res = await invoke('action_triggered', { type, input }, configuration)
  const body = res.body ? (JSON.parse(res.body) as { output?: O; message?: string }) : {}
  const status = res.status ?? 200
  return status === 200 ? { status, output: body.output } : { status, error: body.message }
}

export const register = (configuration = testConfig, webhookUrl = 'https://webhook.botpress.test/wh_hitl_test') =>
  invoke('register', { webhookUrl }, configuration)

export type Signing = { secret?: string; id?: string; timestamp?: number; signature?: string }

export const signatureHeaders = (body: string, signing: Signing = {}): Record<string, string> => {
  const id = signing.id ?? `msg_${Math.random().toString(36).slice(2)}`
  const timestamp = signing.timestamp ?? Math.floor(Date.now() / 1000)
  const signature =
    signing.signature ?? new Webhook(signing.secret ?? TEST_SECRET).sign(id, new Date(timestamp * 1000), body)
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }
}

export type Delivery = {
  body: unknown
  /** false: no signature headers at all */
  sign?: Signing | false
  method?: string
  headers?: Record<string, string>
  configuration?: TestConfig
  /** the installation's alias (default `hitl`) */
  alias?: string
}

export type WebhookAnswer = { status: number; body: Record<string, unknown>; headers: Record<string, string> }

/** POSTs an event to the integration's webhook as the helpdesk would: signed over the exact raw body. */
export const deliver = async ({
  body,
  sign = {},
  method = 'POST',
  headers = {},
  configuration,
  alias,
}: Delivery) => {
  const raw = typeof body === 'string' ? body : JSON.stringify(body)
  const signed = sign === false ? {} : signatureHeaders(raw, sign)
  const res = await invoke(
    'webhook_received',
    {
      req: {
        method,
        path: '/',
        query: '',
        headers: { 'content-type': 'application/json', ...signed, ...headers },
        body: raw,
      },
    },
    configuration,
    alias
  )
  return {
    status: res.status ?? 200,
    body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {},
    headers: res.headers ?? {},
  } satisfies WebhookAnswer
}

/** Sends a message of the `hitl` channel, as Botpress does when the plugin relays an end-user message. */
export const relayMessage = (props: {
  type: string
  payload: Record<string, unknown>
  conversation: { id: string; tags: Record<string, string> }
  messageId?: string
  configuration?: TestConfig
}) =>
  invoke(
    'message_created',
    {
      type: props.type,
      payload: props.payload,
      conversation: {
        id: props.conversation.id,
        channel: 'hitl',
        integration: 'hitl',
        tags: props.conversation.tags,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      },
      user: { id: 'user_enduser', tags: {}, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() },
      message: {
        id: props.messageId ?? 'msg_outbound_1',
        type: props.type,
        payload: props.payload,
        direction: 'outgoing',
        userId: 'user_bot',
        conversationId: props.conversation.id,
        tags: {},
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      },
    },
    props.configuration
  )
