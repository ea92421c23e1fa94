/**
 * Route table: HTTP method + path (exactly as `@botpress/client` 1.35.0 builds them) -> client
 * operation name -> synchronous handler over the bot's store.
 *
 * Handlers never `await`: once the body is read, the whole operation (including get-or-create
 * lookups and inserts) runs in one tick.
 */
import { ApiError, invalidPayload } from './errors'
import type { BotStore, GetOrCreateConversationInput, GetOrCreateUserInput, ListOptions, StateKey } from './store'
import type { BotEvent, Caller, JsonObject, Message, MessageDirection, StateType, Tags } from './types'
import { STATE_TYPES } from './types'
import {
  asObject,
  optNullableRecord,
  optNullableString,
  optNumber,
  optObject,
  optString,
  optStringArray,
  optTags,
  reqPayload,
  reqString,
  reqTags,
  type ParsedQuery,
} from './validate'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RouteContext {
  caller: Caller
  params: Record<string, string>
  query: ParsedQuery
  body: JsonObject
  store: BotStore
  /** integration name stamped on conversations created by this caller */
  integrationName: string
  emitMessage(message: Message): void
  emitEvent(event: BotEvent): void
}

/** Client operations this server implements (names as on `@botpress/client`'s `Client`). */
export const OPERATIONS = [
  'createUser',
  'getOrCreateUser',
  'listUsers',
  'getUser',
  'updateUser',
  'deleteUser',
  'createConversation',
  'getOrCreateConversation',
  'listConversations',
  'getConversation',
  'updateConversation',
  'deleteConversation',
  'listParticipants',
  'addParticipant',
  'getParticipant',
  'removeParticipant',
  'createMessage',
  'getOrCreateMessage',
  'listMessages',
  'getMessage',
  'updateMessage',
  'deleteMessage',
  'initializeIncomingMessage',
  'createEvent',
  'listEvents',
  'getEvent',
  'getOrSetState',
  'setStateExpiry',
  'getState',
  'setState',
  'patchState',
] as const

export type Operation = (typeof OPERATIONS)[number]

export interface Route {
  operation: Operation
  method: HttpMethod
  path: string
  handle(ctx: RouteContext): unknown
}

const direction = (caller: Caller): MessageDirection => (caller.integrationId !== undefined ? 'incoming' : 'outgoing')

function param(ctx: RouteContext, name: string): string {
  const value = ctx.params[name]
  if (value === undefined) throw invalidPayload(`missing path parameter "${name}"`)
  return value
}

function listOptions(query: ParsedQuery): ListOptions {
  const opts: ListOptions = {}
  const nextToken = query.get('nextToken')
  if (nextToken !== undefined) opts.nextToken = nextToken
  const afterDate = query.get('afterDate')
  if (afterDate !== undefined) opts.afterDate = afterDate
  const beforeDate = query.get('beforeDate')
  if (beforeDate !== undefined) opts.beforeDate = beforeDate
  const sortField = query.get('sortField')
  if (sortField !== undefined) {
    if (sortField !== 'createdAt' && sortField !== 'updatedAt') throw new ApiError('InvalidQuery', `Invalid sortField "${sortField}"`)
    opts.sortField = sortField
  }
  const sortDirection = query.get('sortDirection')
  if (sortDirection !== undefined) {
    if (sortDirection !== 'asc' && sortDirection !== 'desc') throw new ApiError('InvalidQuery', `Invalid sortDirection "${sortDirection}"`)
    opts.sortDirection = sortDirection
  }
  return opts
}

const meta = (nextToken: string | undefined): { nextToken?: string } => (nextToken === undefined ? {} : { nextToken })

const isStateType = (value: string): value is StateType => STATE_TYPES.some((t) => t === value)

function stateKey(ctx: RouteContext): StateKey {
  const type = param(ctx, 'type')
  if (!isStateType(type)) throw invalidPayload(`Invalid state type "${type}"`)
  return { type, id: param(ctx, 'id'), name: param(ctx, 'name') }
}

function userInput(body: JsonObject, prefix = ''): GetOrCreateUserInput {
  const input: GetOrCreateUserInput = { tags: reqTags(body, 'tags', `${prefix}tags`) }
  const name = optString(body, 'name', `${prefix}name`)
  if (name !== undefined) input.name = name
  const pictureUrl = optString(body, 'pictureUrl', `${prefix}pictureUrl`)
  if (pictureUrl !== undefined) input.pictureUrl = pictureUrl
  const attributes = optTags(body, 'attributes', `${prefix}attributes`)
  if (attributes !== undefined) input.attributes = attributes
  const discriminateByTags = optStringArray(body, 'discriminateByTags', `${prefix}discriminateByTags`)
  if (discriminateByTags !== undefined) input.discriminateByTags = discriminateByTags
  return input
}

function conversationInput(ctx: RouteContext, body: JsonObject, prefix = ''): GetOrCreateConversationInput {
  const input: GetOrCreateConversationInput = {
    channel: reqString(body, 'channel', `${prefix}channel`),
    tags: reqTags(body, 'tags', `${prefix}tags`),
    integration: optString(body, 'integrationName', `${prefix}integrationName`) ?? ctx.integrationName,
  }
  const discriminateByTags = optStringArray(body, 'discriminateByTags', `${prefix}discriminateByTags`)
  if (discriminateByTags !== undefined) input.discriminateByTags = discriminateByTags
  return input
}

interface MessageFields {
  type: string
  payload: JsonObject
  tags: Tags
  origin?: 'synthetic'
  discriminateByTags?: string[]
}

function messageFields(body: JsonObject, prefix = ''): MessageFields {
  const fields: MessageFields = {
    type: reqString(body, 'type', `${prefix}type`),
    payload: reqPayload(body, 'payload', `${prefix}payload`),
    tags: optTags(body, 'tags', `${prefix}tags`) ?? {},
  }
  const origin = optString(body, 'origin', `${prefix}origin`)
  if (origin !== undefined) {
    if (origin !== 'synthetic') throw invalidPayload(`"${prefix}origin" must be "synthetic"`)
    fields.origin = origin
  }
  const discriminateByTags = optStringArray(body, 'discriminateByTags', `${prefix}discriminateByTags`)
  if (discriminateByTags !== undefined) fields.discriminateByTags = discriminateByTags
  return fields
}

function hasSchedule(body: JsonObject): boolean {
  const schedule = optObject(body, 'schedule')
  return schedule !== undefined && (schedule['dateTime'] !== undefined || schedule['delay'] !== undefined)
}

export const routes: readonly Route[] = [
  // ----------------------------------------------------------------- users
  {
    operation: 'createUser',
    method: 'POST',
    path: '/v1/chat/users',
    handle: (ctx) => {
      const { discriminateByTags: _ignored, ...input } = userInput(ctx.body)
      return { user: ctx.store.createUser(input) }
    },
  },
  {
    operation: 'getOrCreateUser',
    method: 'POST',
    path: '/v1/chat/users/get-or-create',
    handle: (ctx) => ({ user: ctx.store.getOrCreateUser(userInput(ctx.body)).user }),
  },
  {
    operation: 'listUsers',
    method: 'GET',
    path: '/v1/chat/users',
    handle: (ctx) => {
      const opts = listOptions(ctx.query)
      const tags = ctx.query.record('tags')
      const conversationId = ctx.query.get('conversationId')
      const page = ctx.store.listUsers({ ...opts, ...(tags ? { tags } : {}), ...(conversationId !== undefined ? { conversationId } : {}) })
      return { users: page.items, meta: meta(page.nextToken) }
    },
  },
  { operation: 'getUser', method: 'GET', path: '/v1/chat/users/:id', handle: (ctx) => ({ user: ctx.store.getUser(param(ctx, 'id')) }) },
  {
    operation: 'updateUser',
    method: 'PUT',
    path: '/v1/chat/users/:id',
    handle: (ctx) => {
      const input: Parameters<BotStore['updateUser']>[1] = {}
      const tags = optTags(ctx.body, 'tags')
      if (tags !== undefined) input.tags = tags
      const name = optNullableString(ctx.body, 'name')
      if (name !== undefined) input.name = name
      const pictureUrl = optNullableString(ctx.body, 'pictureUrl')
      if (pictureUrl !== undefined) input.pictureUrl = pictureUrl
      const attributes = optNullableRecord(ctx.body, 'attributes')
      if (attributes !== undefined) input.attributes = attributes
      return { user: ctx.store.updateUser(param(ctx, 'id'), input) }
    },
  },
  {
    operation: 'deleteUser',
    method: 'DELETE',
    path: '/v1/chat/users/:id',
    handle: (ctx) => {
      ctx.store.deleteUser(param(ctx, 'id'))
      return {}
    },
  },

  // --------------------------------------------------------- conversations
  {
    operation: 'createConversation',
    method: 'POST',
    path: '/v1/chat/conversations',
    handle: (ctx) => {
      const { discriminateByTags: _ignored, ...input } = conversationInput(ctx, ctx.body)
      return { conversation: ctx.store.createConversation(input) }
    },
  },
  {
    operation: 'getOrCreateConversation',
    method: 'POST',
    path: '/v1/chat/conversations/get-or-create',
    handle: (ctx) => ({ conversation: ctx.store.getOrCreateConversation(conversationInput(ctx, ctx.body)).conversation }),
  },
  {
    operation: 'listConversations',
    method: 'GET',
    path: '/v1/chat/conversations',
    handle: (ctx) => {
      const q = ctx.query
      const tags = q.record('tags')
      const channel = q.get('channel')
      const integrationName = q.get('integrationName')
      const participantIds = q.getAll('participantIds')
      const page = ctx.store.listConversations({
        ...listOptions(q),
        ...(tags ? { tags } : {}),
        ...(channel !== undefined ? { channel } : {}),
        ...(integrationName !== undefined ? { integrationName } : {}),
        ...(participantIds.length > 0 ? { participantIds } : {}),
      })
      return { conversations: page.items, meta: meta(page.nextToken) }
    },
  },
  {
    operation: 'getConversation',
    method: 'GET',
    path: '/v1/chat/conversations/:id',
    handle: (ctx) => ({ conversation: ctx.store.getConversation(param(ctx, 'id')) }),
  },
  {
    operation: 'updateConversation',
    method: 'PUT',
    path: '/v1/chat/conversations/:id',
    handle: (ctx) => {
      const input: { tags?: Tags; currentTaskId?: string } = {}
      const tags = optTags(ctx.body, 'tags')
      if (tags !== undefined) input.tags = tags
      const currentTaskId = optString(ctx.body, 'currentTaskId')
      if (currentTaskId !== undefined) input.currentTaskId = currentTaskId
      return { conversation: ctx.store.updateConversation(param(ctx, 'id'), input) }
    },
  },
  {
    operation: 'deleteConversation',
    method: 'DELETE',
    path: '/v1/chat/conversations/:id',
    handle: (ctx) => {
      ctx.store.deleteConversation(param(ctx, 'id'))
      return {}
    },
  },

  // ---------------------------------------------------------- participants
  {
    operation: 'listParticipants',
    method: 'GET',
    path: '/v1/chat/conversations/:id/participants',
    handle: (ctx) => {
      const page = ctx.store.listParticipants(param(ctx, 'id'), listOptions(ctx.query))
      return { participants: page.items, meta: meta(page.nextToken) }
    },
  },
  {
    operation: 'addParticipant',
    method: 'POST',
    path: '/v1/chat/conversations/:id/participants',
    handle: (ctx) => ({ participant: ctx.store.addParticipant(param(ctx, 'id'), reqString(ctx.body, 'userId')) }),
  },
  {
    operation: 'getParticipant',
    method: 'GET',
    path: '/v1/chat/conversations/:id/participants/:userId',
    handle: (ctx) => ({ participant: ctx.store.getParticipant(param(ctx, 'id'), param(ctx, 'userId')) }),
  },
  {
    operation: 'removeParticipant',
    method: 'DELETE',
    path: '/v1/chat/conversations/:id/participants/:userId',
    handle: (ctx) => {
      ctx.store.removeParticipant(param(ctx, 'id'), param(ctx, 'userId'))
      return {}
    },
  },

  // -------------------------------------------------------------- messages
  {
    operation: 'createMessage',
    method: 'POST',
    path: '/v1/chat/messages',
    handle: (ctx) => {
      const { discriminateByTags: _ignored, ...fields } = messageFields(ctx.body)
      const message = ctx.store.createMessage({
        ...fields,
        conversationId: reqString(ctx.body, 'conversationId'),
        userId: reqString(ctx.body, 'userId'),
        direction: direction(ctx.caller),
      })
      ctx.emitMessage(message)
      return { message }
    },
  },
  {
    operation: 'getOrCreateMessage',
    method: 'POST',
    path: '/v1/chat/messages/get-or-create',
    handle: (ctx) => {
      const { message, created } = ctx.store.getOrCreateMessage({
        ...messageFields(ctx.body),
        conversationId: reqString(ctx.body, 'conversationId'),
        userId: reqString(ctx.body, 'userId'),
        direction: direction(ctx.caller),
      })
      if (created) ctx.emitMessage(message)
      return { message }
    },
  },
  {
    operation: 'listMessages',
    method: 'GET',
    path: '/v1/chat/messages',
    handle: (ctx) => {
      const tags = ctx.query.record('tags')
      const conversationId = ctx.query.get('conversationId')
      const page = ctx.store.listMessages({
        ...listOptions(ctx.query),
        ...(tags ? { tags } : {}),
        ...(conversationId !== undefined ? { conversationId } : {}),
      })
      return { messages: page.items, meta: meta(page.nextToken) }
    },
  },
  { operation: 'getMessage', method: 'GET', path: '/v1/chat/messages/:id', handle: (ctx) => ({ message: ctx.store.getMessage(param(ctx, 'id')) }) },
  {
    operation: 'updateMessage',
    method: 'PUT',
    path: '/v1/chat/messages/:id',
    handle: (ctx) => {
      const payload = ctx.body['payload'] === undefined ? undefined : reqPayload(ctx.body)
      const input: { tags: Tags; payload?: JsonObject } = { tags: optTags(ctx.body, 'tags') ?? {} }
      if (payload !== undefined) input.payload = payload
      return { message: ctx.store.updateMessage(param(ctx, 'id'), input) }
    },
  },
  {
    operation: 'deleteMessage',
    method: 'DELETE',
    path: '/v1/chat/messages/:id',
    handle: (ctx) => {
      ctx.store.deleteMessage(param(ctx, 'id'))
      return {}
    },
  },
  {
    operation: 'initializeIncomingMessage',
    method: 'POST',
    path: '/v1/chat/initialize-incoming-message',
    handle: (ctx) => {
      const body = ctx.body
      const userBody = optObject(body, 'user')
      const conversationBody = optObject(body, 'conversation')
      const messageBody = optObject(body, 'message')
      const userId = optString(body, 'userId')
      const conversationId = optString(body, 'conversationId')
      const result = ctx.store.initializeIncomingMessage(
        {
          ...(userId !== undefined ? { userId } : {}),
          ...(userBody ? { user: userInput(userBody, 'user.') } : {}),
          ...(conversationId !== undefined ? { conversationId } : {}),
          ...(conversationBody ? { conversation: conversationInput(ctx, conversationBody, 'conversation.') } : {}),
          ...(messageBody ? { message: messageFields(messageBody, 'message.') } : {}),
        },
        direction(ctx.caller),
      )
      if (result.message && result.created.message) ctx.emitMessage(result.message)
      return {
        user: result.user,
        conversation: result.conversation,
        ...(result.message ? { message: result.message } : {}),
      }
    },
  },

  // ---------------------------------------------------------------- events
  {
    operation: 'createEvent',
    method: 'POST',
    path: '/v1/chat/events',
    handle: (ctx) => {
      const b = ctx.body
      const conversationId = optString(b, 'conversationId')
      const userId = optString(b, 'userId')
      const messageId = optString(b, 'messageId')
      const workflowId = optString(b, 'workflowId')
      const event = ctx.store.createEvent({
        type: reqString(b, 'type'),
        payload: reqPayload(b),
        ...(conversationId !== undefined ? { conversationId } : {}),
        ...(userId !== undefined ? { userId } : {}),
        ...(messageId !== undefined ? { messageId } : {}),
        ...(workflowId !== undefined ? { workflowId } : {}),
        scheduled: hasSchedule(b),
      })
      ctx.emitEvent(event)
      return { event }
    },
  },
  {
    operation: 'listEvents',
    method: 'GET',
    path: '/v1/chat/events',
    handle: (ctx) => {
      const q = ctx.query
      const filters: Record<string, string> = {}
      for (const key of ['type', 'conversationId', 'userId', 'messageId', 'workflowId', 'status'] as const) {
        const value = q.get(key)
        if (value !== undefined) filters[key] = value
      }
      const page = ctx.store.listEvents({ ...listOptions(q), ...filters })
      return { events: page.items, meta: meta(page.nextToken) }
    },
  },
  { operation: 'getEvent', method: 'GET', path: '/v1/chat/events/:id', handle: (ctx) => ({ event: ctx.store.getEvent(param(ctx, 'id')) }) },

  // ---------------------------------------------------------------- states
  {
    operation: 'getOrSetState',
    method: 'POST',
    path: '/v1/chat/states/:type/:id/:name/get-or-set',
    handle: (ctx) => {
      const { state } = ctx.store.getOrSetState(stateKey(ctx), reqPayload(ctx.body), optNumber(ctx.body, 'expiry'))
      return { state, meta: { cached: false } }
    },
  },
  {
    operation: 'setStateExpiry',
    method: 'POST',
    path: '/v1/chat/states/:type/:id/:name/expiry',
    handle: (ctx) => {
      const expiry = optNumber(ctx.body, 'expiry')
      if (expiry === undefined) throw invalidPayload('"expiry" is required (a number of ms, or null)')
      return { state: ctx.store.setStateExpiry(stateKey(ctx), expiry) }
    },
  },
  {
    operation: 'getState',
    method: 'GET',
    path: '/v1/chat/states/:type/:id/:name',
    handle: (ctx) => ({ state: ctx.store.getState(stateKey(ctx)), meta: { cached: false } }),
  },
  {
    operation: 'setState',
    method: 'POST',
    path: '/v1/chat/states/:type/:id/:name',
    handle: (ctx) => {
      const raw = ctx.body['payload']
      if (raw === undefined) throw invalidPayload('"payload" is required (an object, or null to delete the state)')
      const payload = raw === null ? null : asObject(raw, 'payload')
      return { state: ctx.store.setState(stateKey(ctx), payload, optNumber(ctx.body, 'expiry')) }
    },
  },
  {
    operation: 'patchState',
    method: 'PATCH',
    path: '/v1/chat/states/:type/:id/:name',
    handle: (ctx) => ({ state: ctx.store.patchState(stateKey(ctx), reqPayload(ctx.body)) }),
  },
]

interface CompiledRoute {
  route: Route
  segments: string[]
}

const compiled: CompiledRoute[] = routes.map((route) => ({ route, segments: route.path.split('/').filter(Boolean) }))

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  /** the path exists but not with this method */
  | { kind: 'method-not-allowed'; operations: Operation[] }
  | { kind: 'not-found' }

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] ?? ''
    const a = actual[i] ?? ''
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(a)
    else if (p !== a) return undefined
  }
  return params
}

/** Literal segments win over parameters (e.g. `users/get-or-create` never reaches `users/:id`). */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const actual = pathname.split('/').filter(Boolean)
  const candidates = compiled
    .map((c) => ({ c, params: matchSegments(c.segments, actual) }))
    .filter((x): x is { c: CompiledRoute; params: Record<string, string> } => x.params !== undefined)
    .sort((a, b) => a.c.segments.filter((s) => s.startsWith(':')).length - b.c.segments.filter((s) => s.startsWith(':')).length)
  if (candidates.length === 0) return { kind: 'not-found' }
  const hit = candidates.find((x) => x.c.route.method === method.toUpperCase())
  if (!hit) return { kind: 'method-not-allowed', operations: candidates.map((x) => x.c.route.operation) }
  return { kind: 'found', route: hit.c.route, params: hit.params }
}
