import type { z } from '@botpress/sdk'
import definition from '../../integration.definition'
import { configurationSchema } from '../../definitions/configuration'
import {
  closeConversationRequestSchema,
  createConversationRequestSchema,
  createdResourceSchema,
  createMessageRequestSchema,
  createMessageResponseSchema,
  createUserRequestSchema,
  historyEntrySchema,
  sessionSchema,
} from '../../contract/helpdesk-api'
import { authorSchema, historyMessageTypes, payloadSchemas, type HistoryMessageType } from '../../contract/messages'
import {
  agentAssignedEventSchema,
  agentSchema,
  conversationClosedEventSchema,
  messageCreatedEventSchema,
  webhookErrorAnswerSchema,
  webhookEventSchema,
  webhookOkAnswerSchema,
} from '../../contract/webhook-events'
import { defaultRetryPolicy } from '../../src/helpdesk/http'
import {
  closeConversationRequest,
  createConversationRequest,
  createUserRequest,
  messageCases,
  sampleEvents,
} from '../fixtures'
import { canonicalJson, toJson, type Json, type JsonObject } from './json'
import { addDiscriminators, shareComponents, toOpenApiSchema } from './json-schema'

/*
 * The helpdesk wire contract as an OpenAPI 3.1 document, built from the zod schemas the integration validates with:
 * `paths` are the calls a helpdesk serves, `webhooks` the events it POSTs to the integration. Only prose is written
 * here; every schema comes from `contract/`.
 */

const MAX_WEBHOOK_BODY = '1 MiB'
const TIMESTAMP_TOLERANCE_S = 300

const defaultTimeoutMs = (): number => {
  const sample = { helpdeskUrl: 'https://helpdesk.example.com', webhookSecret: `whsec_${Buffer.alloc(32, 1).toString('base64')}` }
  const parsed = configurationSchema.safeParse(sample)
  if (!parsed.success) throw new Error('the sample configuration no longer parses; update build-document.ts')
  return parsed.data.requestTimeoutMs
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const ref = (kind: 'schemas' | 'parameters' | 'responses' | 'headers', name: string): JsonObject => ({
  $ref: `#/components/${kind}/${name}`,
})

// ---------------------------------------------------------------------------------------------------------------
// Schemas

/** Message payload components; types whose payloads have the same shape (choice, dropdown) share one. */
const payloadComponents = () => {
  const groups = new Map<string, { name: string; types: HistoryMessageType[]; schema: JsonObject }>()
  for (const type of historyMessageTypes) {
    const schema = toOpenApiSchema(payloadSchemas[type])
    const key = canonicalJson(schema)
    const group = groups.get(key)
    if (group) group.types.push(type)
    else groups.set(key, { name: `${capitalize(type)}Payload`, types: [type], schema })
  }
  return [...groups.values()]
}

const buildSchemas = (): Record<string, JsonObject> => {
  const payloads = payloadComponents()
  const named: Record<string, z.ZodTypeAny> = {
    CreateUserRequest: createUserRequestSchema,
    CreatedResource: createdResourceSchema,
    CreateConversationRequest: createConversationRequestSchema,
    Session: sessionSchema,
    HistoryEntry: historyEntrySchema,
    Author: authorSchema,
    CreateMessageRequest: createMessageRequestSchema,
    CreateMessageResponse: createMessageResponseSchema,
    CloseConversationRequest: closeConversationRequestSchema,
    WebhookEvent: webhookEventSchema,
    MessageCreatedEvent: messageCreatedEventSchema,
    AgentAssignedEvent: agentAssignedEventSchema,
    ConversationClosedEvent: conversationClosedEventSchema,
    Agent: agentSchema,
    WebhookOkAnswer: webhookOkAnswerSchema,
    ErrorAnswer: webhookErrorAnswerSchema,
  }
  const schemas: Record<string, JsonObject> = {}
  for (const [name, schema] of Object.entries(named)) schemas[name] = toOpenApiSchema(schema)
  for (const payload of payloads) schemas[payload.name] = payload.schema
  const shared = addDiscriminators(shareComponents(schemas))

  // Descriptions go on the roots only after sharing, so that the copies still matched them.
  const describe = (name: string, description: string) => {
    const schema = shared[name] as JsonObject
    shared[name] = { description, ...schema }
  }
  for (const { name, types } of payloads) {
    const list = types.map((t) => `\`${t}\``).join(' and ')
    describe(name, `Botpress payload of the ${list} message type${types.length > 1 ? 's (they have the same shape)' : ''}`)
  }
  describe('CreateUserRequest', 'An end user the bot hands over; the helpdesk creates (or finds) its own user for it')
  describe('CreatedResource', 'The id the helpdesk gave the new resource; other fields are allowed and ignored')
  describe('CreateConversationRequest', 'A new conversation (ticket) for an end user, with the conversation so far')
  describe('HistoryEntry', 'One message of the conversation before the handoff, with its plain-text rendering')
  describe('CreateMessageRequest', 'A message of the end user or of the bot, relayed into the helpdesk conversation')
  describe('CreateMessageResponse', "Optionally the helpdesk's id of the message; the body may also be empty")
  describe('CloseConversationRequest', 'The end user or the bot ended the session')
  describe('WebhookEvent', 'Any event the helpdesk POSTs to the integration, told apart by `type`')
  describe('MessageCreatedEvent', 'An agent wrote a message in the conversation')
  describe('AgentAssignedEvent', 'An agent took the conversation')
  describe('ConversationClosedEvent', 'The agent (or the helpdesk) closed the conversation')
  describe('WebhookOkAnswer', 'The event was processed, now or earlier')
  describe(
    'ErrorAnswer',
    'An error answer. The integration answers webhooks with it; a helpdesk should answer failed calls with it too: the integration quotes `error.message` (or a top-level `message`, or `error` when it is a string) in the error the bot builder sees'
  )
  const sorted: Record<string, JsonObject> = {}
  for (const name of Object.keys(shared).sort()) sorted[name] = shared[name] as JsonObject
  return sorted
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters, headers, responses

const signatureText = `\`v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<raw body>")>\`, where the shared secret is \`whsec_<base64 key>\`. Several signatures may be sent, separated by spaces (secret rotation): the request is authentic when any one matches. Verify over the raw body bytes, before parsing JSON, with a constant-time comparison.`

const parameters = (): JsonObject => ({
  WebhookId: {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description:
      'Identity of the request, part of the signed content. A retry or redelivery of the same request keeps it, so it is the key for dropping duplicates.',
    schema: { type: 'string', minLength: 1 },
  },
  WebhookTimestamp: {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: `Unix time in seconds when this attempt was signed (each retry is signed again). The receiver rejects a timestamp more than ${TIMESTAMP_TOLERANCE_S} s away from its clock, which stops replays.`,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  WebhookSignature: {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description: `Standard Webhooks signature: ${signatureText}`,
    schema: { type: 'string', pattern: '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$' },
  },
  ConversationId: {
    name: 'id',
    in: 'path',
    required: true,
    description: "The helpdesk's conversation id, as it answered `POST /conversations` (URL-encoded)",
    schema: { type: 'string', minLength: 1, maxLength: 200 },
  },
})

const signedHeaders = (idDescription: string): Json[] => [
  { $ref: '#/components/parameters/WebhookId', description: idDescription },
  ref('parameters', 'WebhookTimestamp'),
  ref('parameters', 'WebhookSignature'),
]

/** The headers of a call to the helpdesk whose `webhook-id` is derived from a Botpress id. */
const idempotentCall = (idForm: string): Json[] =>
  signedHeaders(
    `${idForm}, the same on every retry of this call. Answer a repeated \`webhook-id\` with your first answer (status and body), without acting twice.`
  )

const json = (schema: JsonObject, examples?: Record<string, Json>): JsonObject => ({
  'application/json': {
    schema,
    ...(examples ? { examples: Object.fromEntries(Object.entries(examples).map(([k, value]) => [k, { value }])) } : {}),
  },
})

const errorExample = (code: string, message: string, issues?: Array<{ path: string; message: string }>): Json => ({
  error: { code, message, ...(issues ? { issues } : {}) },
})

const responses = (timeoutMs: number): JsonObject => {
  const retried = `The integration retries it with exponential backoff and jitter (timeout ${timeoutMs / 1000} s per attempt by default, at most ${defaultRetryPolicy.retries} retries within ${defaultRetryPolicy.budgetMs / 1000} s), with the same \`webhook-id\`.`
  const errorBody = (example: Json) => json(ref('schemas', 'ErrorAnswer'), { error: example })
  const webhookError = (description: string, code: string, message: string, headers?: JsonObject): JsonObject => ({
    description,
    ...(headers ? { headers } : {}),
    content: errorBody(errorExample(code, message)),
  })
  return {
    Created: {
      description: 'Created, or the answer to the first request with this `webhook-id`. The body must hold the id.',
      content: json(ref('schemas', 'CreatedResource'), { created: { id: 'hd-1842' } }),
    },
    BadRequest: {
      description:
        'The request is invalid (or names an unknown user). Not retried: the action fails with an error naming the call, the status and `error.message`.',
      content: errorBody(errorExample('invalid_request', 'userId hd-17 is not a known user')),
    },
    Unauthorized: {
      description:
        'The signature is missing, does not match the shared secret, or its timestamp is outside the window (or the bearer token is wrong). Not retried. When it happens at registration, the bot builder is told to check the API token and the webhook signing secret.',
      content: errorBody(errorExample('invalid_signature', 'no signature matches the configured secret')),
    },
    Forbidden: {
      description: 'Same as 401 for the integration: the credentials are refused. Not retried.',
      content: errorBody(errorExample('forbidden', 'this token may not create tickets')),
    },
    TooManyRequests: {
      description: `Rate limited. ${retried} A \`Retry-After\` header (seconds or an HTTP date) is honoured when the wait fits the budget.`,
      headers: { 'Retry-After': ref('headers', 'RetryAfter') },
      content: errorBody(errorExample('rate_limited', 'slow down')),
    },
    ServerError: {
      description: `The helpdesk failed, or is unavailable (any 5xx; 408 and network errors too). ${retried}`,
      content: errorBody(errorExample('unavailable', 'database is down')),
    },
    WebhookOk: {
      description:
        'Processed, or processed earlier (`duplicate: true`): do not deliver this event again.',
      content: json(ref('schemas', 'WebhookOkAnswer'), {
        processed: { ok: true },
        duplicate: { ok: true, duplicate: true },
      }),
    },
    WebhookInvalid: {
      description:
        'Code `invalid_json` (the body is not JSON) or `invalid_event` (it fails the event schema; `issues` names each field). Do not retry: fix the sender.',
      content: errorBody(
        errorExample('invalid_event', 'The body is not a valid hitl event: see `issues` for the failing fields', [
          { path: 'agent.id', message: 'Required' },
        ])
      ),
    },
    WebhookUnauthorized: {
      description: `Code \`invalid_signature\`: a \`webhook-*\` header is missing, no signature matches the secret configured in the integration, or \`webhook-timestamp\` is more than ${TIMESTAMP_TOLERANCE_S} s away from the current time (check the helpdesk's clock). Do not retry as is.`,
      content: errorBody(
        errorExample('invalid_signature', 'Signature check failed: no signature matches the configured secret')
      ),
    },
    WebhookUnknownConversation: webhookError(
      "Code `unknown_conversation`: `conversationId` is not a conversation this integration opened (send the id the helpdesk answered to `POST /conversations`). Nothing was created. Do not retry.",
      'unknown_conversation',
      'Conversation hd-77 was not opened by this integration (no Botpress conversation is tagged with it); nothing was created'
    ),
    WebhookMethodNotAllowed: webhookError(
      'Code `method_not_allowed`: the webhook accepts POST only (any other method gets this answer, with `Allow: POST`).',
      'method_not_allowed',
      'Send hitl events with POST',
      { Allow: { description: 'Always `POST`', schema: { type: 'string', const: 'POST' } } }
    ),
    WebhookConversationClosed: webhookError(
      'Code `conversation_closed`: the conversation is closed (by the end user, the bot or the helpdesk); the end user is back with the bot and nothing was created. Do not retry.',
      'conversation_closed',
      'Conversation hd-77 is closed: the end user is back with the bot; nothing was created'
    ),
    WebhookTooLarge: webhookError(
      `Code \`body_too_large\`: the body is larger than ${MAX_WEBHOOK_BODY}. Do not retry.`,
      'body_too_large',
      'The body is larger than 1048576 bytes'
    ),
    WebhookMisconfigured: webhookError(
      "Code `integration_misconfigured`: the integration's configuration is invalid; its logs say which field to fix. Retrying helps only once the admin fixed it.",
      'integration_misconfigured',
      'The hitl integration is misconfigured; its admin was told what to fix'
    ),
    WebhookRetry: webhookError(
      'Code `botpress_unavailable`: Botpress could not process the event now. Retry later with backoff, with the same `webhook-id` and body (the integration does not act twice).',
      'botpress_unavailable',
      'Botpress could not process the event now; retry later',
      { 'Retry-After': ref('headers', 'RetryAfter') }
    ),
  }
}

const headers = (): JsonObject => ({
  RetryAfter: {
    description: 'Seconds to wait before retrying (or an HTTP date)',
    schema: { type: 'string' },
  },
})

// ---------------------------------------------------------------------------------------------------------------
// Operations

const SECURITY: Json = [{}, { apiToken: [] }]

const restErrors = (): JsonObject => ({
  '400': ref('responses', 'BadRequest'),
  '401': ref('responses', 'Unauthorized'),
  '403': ref('responses', 'Forbidden'),
  '429': ref('responses', 'TooManyRequests'),
  '5XX': ref('responses', 'ServerError'),
})

const ids = { botpressUserId: 'user_01JEXAMPLEUSER', botpressConversationId: 'conv_01JEXAMPLECONV', helpdeskUserId: 'hd-17' }

const paths = (): JsonObject => {
  const messageExamples: Record<string, Json> = {}
  for (const { name, request } of messageCases(ids.botpressUserId, (n) => `msg_01J${n.replace(/-/g, '').toUpperCase()}`)) {
    if (name.endsWith('-from-user') || name === 'message-text-from-bot') messageExamples[name.replace(/^message-/, '')] = toJson(request)
  }
  return {
    '/health': {
      get: {
        operationId: 'getHealth',
        tags: ['Helpdesk API'],
        summary: 'Check that the helpdesk is reachable and accepts the credentials',
        description:
          'Called when the integration is saved (registered), with a new `webhook-id` (`health-<uuid>`) each time; the body is empty, so the signed content is `<webhook-id>.<webhook-timestamp>.`. Verify the signature (and the token, if you use one) and answer any 2xx: the body is ignored. A refused signature answered 401 or 403 tells the bot builder at once that the secret or token is wrong; a 404 tells them the base URL is wrong.',
        security: SECURITY,
        parameters: signedHeaders('`health-<uuid>`, new on each registration'),
        responses: {
          '200': { description: 'Reachable, and the credentials are accepted (any 2xx; the body is ignored)' },
          '204': { description: 'Same as 200' },
          ...restErrors(),
        },
      },
    },
    '/users': {
      post: {
        operationId: 'createUser',
        tags: ['Helpdesk API'],
        summary: 'Create (or find) the helpdesk user of an end user',
        description:
          "Called once per end user, before the first conversation. Keep the link between `botpressUserId` and your user: later messages name their author by `botpressUserId` only. `botpressUserId` is the call's idempotency key: the integration sends the same one (and the same `webhook-id`, `user-<botpressUserId>`) when it retries creating the same end user, even in a later `createUser` after a lost answer, so keep one user per `botpressUserId` and answer a repeat with the same `id`. You may also answer the id of a contact you already have with the same `email`.",
        security: SECURITY,
        parameters: idempotentCall('`user-<botpressUserId>`'),
        requestBody: {
          required: true,
          content: json(ref('schemas', 'CreateUserRequest'), { user: toJson(createUserRequest(ids.botpressUserId)) }),
        },
        responses: { '200': ref('responses', 'Created'), '201': ref('responses', 'Created'), ...restErrors() },
      },
    },
    '/conversations': {
      post: {
        operationId: 'createConversation',
        tags: ['Helpdesk API'],
        summary: 'Open a conversation (ticket) for an end user, with the conversation so far',
        description:
          "Called when the bot hands the end user over. `userId` is the id you answered to `POST /users`; `session` carries the routing fields the bot chose; `messages` is the conversation so far, oldest first, each with a plain-text `text` rendering; it holds the latest messages that fit in the history limit and 512 KiB, and `omittedMessages` says how many are left out (show it to the agent). The `id` you answer is the one the integration sends back in the path of later calls, and the one your webhook events must name as `conversationId`. The `webhook-id` is `conversation-<botpressConversationId>` and always comes with the same body: a repeat must answer the same `id` and must not open a second ticket. Another handoff, even for the same end user, comes with another `botpressConversationId`. `reference` is opaque: keep it with the ticket to echo it exactly in the webhook events about it (recommended), or ignore it; never refuse the request because of it.",
        security: SECURITY,
        parameters: idempotentCall('`conversation-<botpressConversationId>`'),
        requestBody: {
          required: true,
          content: json(ref('schemas', 'CreateConversationRequest'), { conversation: toJson(createConversationRequest(ids)) }),
        },
        responses: { '200': ref('responses', 'Created'), '201': ref('responses', 'Created'), ...restErrors() },
      },
    },
    '/conversations/{id}/messages': {
      parameters: [ref('parameters', 'ConversationId')],
      post: {
        operationId: 'createMessage',
        tags: ['Helpdesk API'],
        summary: 'Add a message of the end user or of the bot to the conversation',
        description:
          '`author` is `{ "type": "user", "botpressUserId" }` (the end user, known from `POST /users`) or `{ "type": "bot" }`. `payload` is the Botpress payload of `type`; `text` is its plain-text rendering, so a helpdesk that shows only text loses nothing. `additionalData` is opaque data the bot attached (500 characters at most). The `webhook-id` is `message-<botpressMessageId>`: a repeat must not add the message twice.',
        security: SECURITY,
        parameters: idempotentCall('`message-<botpressMessageId>`'),
        requestBody: { required: true, content: json(ref('schemas', 'CreateMessageRequest'), messageExamples) },
        responses: {
          '200': {
            description: 'Added, or the answer to the first request with this `webhook-id`; the body may be empty',
            content: json(ref('schemas', 'CreateMessageResponse'), { added: { id: 'hd-msg-5521' } }),
          },
          '201': { description: 'Same as 200', content: json(ref('schemas', 'CreateMessageResponse')) },
          '204': { description: 'Added (no body)' },
          ...restErrors(),
          '404': {
            description:
              'Unknown conversation. Not retried: the message is not delivered, and the bot builder sees the error in the logs.',
            content: json(ref('schemas', 'ErrorAnswer')),
          },
          '409': {
            description: 'The conversation is closed in the helpdesk. Not retried (send `conversation.closed` so the end user goes back to the bot).',
            content: json(ref('schemas', 'ErrorAnswer')),
          },
        },
      },
    },
    '/conversations/{id}/close': {
      parameters: [ref('parameters', 'ConversationId')],
      post: {
        operationId: 'closeConversation',
        tags: ['Helpdesk API'],
        summary: 'Close the conversation: the end user is back with the bot',
        description:
          'Called when the end user ends the session (the close command, `/end` by default) or the session is aborted. Closing a conversation that is already closed is not an error: answer 2xx, 404 or 409. You need not send `conversation.closed` for it (if you do, the integration answers `duplicate`). The `webhook-id` is `close-<botpressConversationId>`.',
        security: SECURITY,
        parameters: idempotentCall('`close-<botpressConversationId>`'),
        requestBody: {
          required: true,
          content: json(ref('schemas', 'CloseConversationRequest'), {
            close: toJson(closeConversationRequest(ids.botpressConversationId)),
          }),
        },
        responses: {
          '200': { description: 'Closed (any 2xx; the body is ignored)' },
          '204': { description: 'Closed' },
          '404': { description: 'Unknown or already deleted conversation: treated as already closed, not an error' },
          '409': { description: 'Already closed: not an error' },
          ...restErrors(),
        },
      },
    },
  }
}

const webhookHeaders = signedHeaders(
  'Identity of the delivery; keep it on every redelivery. When the body has no `id`, it stands for the event id.'
)

const webhookCommon = (): JsonObject => ({
  '200': ref('responses', 'WebhookOk'),
  '400': ref('responses', 'WebhookInvalid'),
  '401': ref('responses', 'WebhookUnauthorized'),
  '404': ref('responses', 'WebhookUnknownConversation'),
  '405': ref('responses', 'WebhookMethodNotAllowed'),
  '413': ref('responses', 'WebhookTooLarge'),
  '500': ref('responses', 'WebhookMisconfigured'),
  '503': ref('responses', 'WebhookRetry'),
})

const webhooks = (): JsonObject => {
  // the events echo the reference of the example POST /conversations
  const { reference } = createConversationRequest(ids)
  const [messageCreated, agentAssigned, conversationClosed] = sampleEvents('hd-1842', reference).map((e) => toJson(e))
  const event = (
    operationId: string,
    schema: string,
    summary: string,
    description: string,
    example: Json | undefined,
    closedAnswer: boolean
  ): JsonObject => ({
    post: {
      operationId,
      tags: ['Webhook events'],
      summary,
      description: `${description}\n\nPOST it, signed, to the webhook URL Botpress gives the integration (one event per request, at most ${MAX_WEBHOOK_BODY}). Retry on a network error or 5xx with backoff, keeping the \`webhook-id\` and the body; never retry a 4xx. Echo the conversation's \`reference\` from \`POST /conversations\` exactly (optional, recommended): the integration then needs one Botpress call less; one it cannot verify is ignored.`,
      parameters: webhookHeaders,
      requestBody: { required: true, content: json(ref('schemas', schema), example === undefined ? undefined : { event: example }) },
      responses: {
        ...webhookCommon(),
        ...(closedAnswer ? { '409': ref('responses', 'WebhookConversationClosed') } : {}),
      },
    },
  })
  return {
    'message.created': event(
      'messageCreated',
      'MessageCreatedEvent',
      'An agent wrote a message',
      "The agent's Botpress user is found or created (its name, email and picture kept current) and the message is created in the Botpress conversation, once per `message.id` however often it is delivered (a redelivery is answered `duplicate`). `message.type` is one of `text`, `image`, `audio`, `video`, `file`, `bloc`. If it comes before any `agent.assigned`, the bot assigns that agent itself.",
      messageCreated,
      true
    ),
    'agent.assigned': event(
      'agentAssigned',
      'AgentAssignedEvent',
      'An agent took the conversation',
      'Tells the end user that a human agent has joined, with the agent\'s name (and picture, where the channel shows it). Each announcement is visible to the end user, so a repeat for the agent already assigned is answered `duplicate` and not announced again; a different agent is announced.',
      agentAssigned,
      true
    ),
    'conversation.closed': event(
      'conversationClosed',
      'ConversationClosedEvent',
      'The conversation was closed in the helpdesk',
      'Ends the session: the end user is back with the bot. A close of a conversation that is already closed is answered `duplicate`.',
      conversationClosed,
      false
    ),
  }
}

// ---------------------------------------------------------------------------------------------------------------

const overview = (timeoutMs: number) =>
  [
    `The wire contract between the Botpress **${definition.name}** integration (human in the loop, interface \`hitl@2.1.0\`) and a helpdesk. It has two directions:`,
    '',
    '- **Integration → helpdesk** (`paths`): REST calls the helpdesk serves, relative to the *Helpdesk API base URL* set in the integration configuration.',
    '- **Helpdesk → integration** (`webhooks`): events the helpdesk POSTs to the webhook URL Botpress gives the integration (logged when the integration is saved).',
    '',
    'All bodies are JSON (UTF-8). Every schema here is generated from the zod schemas the integration validates with.',
    '',
    '## Limits',
    'A request body of the integration is at most 1 MiB (the integration fails a bigger one at once, without sending it); accept bodies up to that size. The history of `POST /conversations` takes at most 512 KiB of it. Answer with small bodies: the integration reads at most 1 MiB (after decompression) and reports a bigger answer as unreadable. Ids you answer are strings of 1 to 200 characters, neither `.` nor `..`, without control characters (they go into paths, URL-encoded).',
    '',
    'The schemas list the fields sent today but do not forbid others: a later version may add optional fields. Both sides must ignore fields they do not know instead of refusing the request; the integration ignores unknown fields in what it receives.',
    '',
    '## Signature (both directions)',
    `One shared secret (\`whsec_<base64 key>\`) signs every request in both directions by the Standard Webhooks scheme (https://www.standardwebhooks.com): headers \`webhook-id\`, \`webhook-timestamp\` and \`webhook-signature\`, whose value is ${signatureText} Reject a timestamp more than ${TIMESTAMP_TOLERANCE_S} s away from your clock. Libraries: npm and PyPI \`standardwebhooks\`, Go \`github.com/standard-webhooks/standard-webhooks/libraries/go\`. A helpdesk may also require \`Authorization: Bearer <API token>\` on the integration's calls (security scheme \`apiToken\`), when the token is configured.`,
    '',
    '## Idempotency',
    'The `webhook-id` is the identity of a request, and a retry keeps it. The integration derives it from Botpress ids (`user-…`, `conversation-…`, `message-…`, `close-…`), so the helpdesk answers a repeated `webhook-id` with its first answer (status and body) and does not act twice; keep the ids you have seen for at least 24 hours. In the other direction the integration acts once per agent message (`message.id`), once per assigned agent and once per close, and answers a redelivery `{ "ok": true, "duplicate": true }`.',
    '',
    '## Retries',
    `Each call of the integration times out after the configured request timeout (${timeoutMs / 1000} s by default) and is retried with exponential backoff and jitter on network errors, 408, 429 (honouring \`Retry-After\`) and 5xx, at most ${defaultRetryPolicy.retries} times within ${defaultRetryPolicy.budgetMs / 1000} s, with the same \`webhook-id\` and a fresh timestamp and signature. Other 4xx are not retried: they become an error naming the call, the status and the helpdesk's message. The integration's webhook answers 4xx for a request that must not be retried and 5xx (503 with \`Retry-After\`) for one that should be.`,
  ].join('\n')

/** The OpenAPI 3.1 document of the helpdesk wire contract. */
export const buildOpenApiDocument = (): JsonObject => {
  const timeoutMs = defaultTimeoutMs()
  return {
    openapi: '3.1.0',
    info: {
      title: 'Botpress hitl helpdesk contract',
      version: definition.version,
      summary: 'What a helpdesk serves to, and sends to, the Botpress hitl integration',
      description: overview(timeoutMs),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      {
        url: '{helpdeskApiBaseUrl}',
        description: 'The Helpdesk API base URL set in the integration configuration',
        variables: { helpdeskApiBaseUrl: { default: 'https://helpdesk.example.com/botpress' } },
      },
    ],
    tags: [
      { name: 'Helpdesk API', description: 'Calls the integration makes; the helpdesk serves them' },
      { name: 'Webhook events', description: 'Events the helpdesk POSTs to the integration' },
    ],
    paths: paths(),
    webhooks: webhooks(),
    components: {
      schemas: buildSchemas(),
      parameters: parameters(),
      headers: headers(),
      responses: responses(timeoutMs),
      securitySchemes: {
        apiToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'Optional: the API token set in the integration configuration, sent on every call as `Authorization: Bearer <token>` when set. The signature authenticates the calls either way.',
        },
      },
    },
  }
}
