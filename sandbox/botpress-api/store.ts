/**
 * In-memory model of the Botpress chat API, one `BotStore` per bot id.
 *
 * Every operation is synchronous: a lookup and the insert that may follow it run in the
 * same tick, so get-or-create / get-or-set operations are atomic with respect to concurrent
 * HTTP requests served by the same process. All returned entities are copies.
 */
import { ApiError, invalidPayload, notFound, referenceNotFound } from './errors'
import { newId } from './ids'
import type {
  BotEvent,
  Conversation,
  EventStatus,
  JsonObject,
  Message,
  MessageDirection,
  State,
  StateType,
  Tags,
  User,
} from './types'

export interface StoreOptions {
  /** clock in epoch ms (injectable for expiry tests) */
  now: () => number
  /** page size of list operations */
  pageSize: number
}

export interface Page<T> {
  items: T[]
  nextToken?: string
}

export type SortDirection = 'asc' | 'desc'

export interface ListOptions {
  nextToken?: string
  afterDate?: string
  beforeDate?: string
  sortField?: 'createdAt' | 'updatedAt'
  sortDirection?: SortDirection
}

export interface CreateUserInput {
  tags: Tags
  name?: string
  pictureUrl?: string
  attributes?: Tags
}

export interface GetOrCreateUserInput extends CreateUserInput {
  discriminateByTags?: string[]
}

export interface UpdateUserInput {
  tags?: Tags
  name?: string | null
  pictureUrl?: string | null
  attributes?: Record<string, string | null>
}

export interface CreateConversationInput {
  channel: string
  tags: Tags
  integration: string
}

export interface GetOrCreateConversationInput extends CreateConversationInput {
  discriminateByTags?: string[]
}

export interface CreateMessageInput {
  conversationId: string
  userId: string
  type: string
  payload: JsonObject
  tags: Tags
  direction: MessageDirection
  origin?: 'synthetic'
}

export interface GetOrCreateMessageInput extends CreateMessageInput {
  discriminateByTags?: string[]
}

export interface InitializeIncomingMessageInput {
  userId?: string
  user?: GetOrCreateUserInput
  conversationId?: string
  conversation?: GetOrCreateConversationInput
  message?: Omit<GetOrCreateMessageInput, 'conversationId' | 'userId' | 'direction'>
}

export interface InitializeIncomingMessageResult {
  user: User
  conversation: Conversation
  message?: Message
  created: { user: boolean; conversation: boolean; message: boolean }
}

export interface CreateEventInput {
  type: string
  payload: JsonObject
  conversationId?: string
  userId?: string
  messageId?: string
  workflowId?: string
  scheduled?: boolean
}

export interface StateKey {
  type: StateType
  id: string
  name: string
}

interface Row<T> {
  seq: number
  value: T
}

interface StoredState {
  seq: number
  state: State
  /** idle expiry in ms, re-armed on every write */
  expiry?: number
  expiresAt?: number
}

const clone = <T>(value: T): T => structuredClone(value)

/** Drops tags whose value is '' (the API's way of unsetting a tag). */
export function cleanTags(tags: Tags): Tags {
  const out: Tags = {}
  for (const [k, v] of Object.entries(tags)) if (v !== '') out[k] = v
  return out
}

/** Tag merge used by every update: given keys replace, '' removes. */
export function mergeTags(current: Tags, patch: Tags | undefined): Tags {
  if (!patch) return { ...current }
  const out: Tags = { ...current }
  for (const [k, v] of Object.entries(patch)) {
    if (v === '') delete out[k]
    else out[k] = v
  }
  return out
}

/** Every wanted tag must match ('' means "tag absent"). */
export function tagsMatch(existing: Tags, wanted: Tags | undefined): boolean {
  if (!wanted) return true
  return Object.entries(wanted).every(([k, v]) => (v === '' ? existing[k] === undefined : existing[k] === v))
}

/**
 * get-or-create lookup rule: without `discriminateByTags`, all given tags must match; with it, only
 * the listed tags (a listed tag missing from `tags` must be absent on the candidate too). When there
 * is nothing to discriminate on (no tags), nothing matches and a new entity is created.
 */
export function discriminates(existing: Tags, wanted: Tags, discriminateByTags: string[] | undefined): boolean {
  const keys = discriminateByTags ?? Object.keys(wanted)
  if (keys.length === 0) return false
  return keys.every((k) => {
    const w = wanted[k]
    return w === undefined || w === '' ? existing[k] === undefined : existing[k] === w
  })
}

const stateKey = ({ type, id, name }: StateKey): string => `${type}\u0000${id}\u0000${name}`

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url')
}

function decodeToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
    if (typeof parsed === 'object' && parsed !== null && 'o' in parsed && typeof parsed.o === 'number' && parsed.o >= 0) {
      return parsed.o
    }
  } catch {
    // fall through
  }
  throw new ApiError('InvalidQuery', `Invalid nextToken "${token}"`)
}

export class BotStore {
  readonly botId: string
  private readonly options: StoreOptions
  private seq = 0
  private readonly users = new Map<string, Row<User>>()
  private readonly conversations = new Map<string, Row<Conversation>>()
  private readonly participants = new Map<string, Set<string>>()
  private readonly messages = new Map<string, Row<Message>>()
  private readonly events = new Map<string, Row<BotEvent>>()
  private readonly states = new Map<string, StoredState>()

  constructor(botId: string, options: StoreOptions) {
    this.botId = botId
    this.options = options
  }

  private nowIso(): string {
    return new Date(this.options.now()).toISOString()
  }

  private nextSeq(): number {
    this.seq += 1
    return this.seq
  }

  private page<T extends { createdAt: string; updatedAt?: string }>(rows: Iterable<Row<T>>, opts: ListOptions, filter: (value: T) => boolean): Page<T> {
    const field = opts.sortField ?? 'createdAt'
    const dir = opts.sortDirection === 'asc' ? 1 : -1
    const after = opts.afterDate === undefined ? undefined : Date.parse(opts.afterDate)
    const before = opts.beforeDate === undefined ? undefined : Date.parse(opts.beforeDate)
    if ((after !== undefined && Number.isNaN(after)) || (before !== undefined && Number.isNaN(before))) {
      throw new ApiError('InvalidQuery', 'afterDate / beforeDate must be ISO 8601 dates')
    }
    const selected = [...rows].filter(({ value }) => {
      const created = Date.parse(value.createdAt)
      if (after !== undefined && !(created > after)) return false
      if (before !== undefined && !(created < before)) return false
      return filter(value)
    })
    selected.sort((a, b) => {
      const av = field === 'updatedAt' ? (a.value.updatedAt ?? a.value.createdAt) : a.value.createdAt
      const bv = field === 'updatedAt' ? (b.value.updatedAt ?? b.value.createdAt) : b.value.createdAt
      if (av !== bv) return av < bv ? -dir : dir
      return (a.seq - b.seq) * dir
    })
    const offset = decodeToken(opts.nextToken)
    const size = this.options.pageSize
    const items = selected.slice(offset, offset + size).map(({ value }) => clone(value))
    const next = offset + size
    return next < selected.length ? { items, nextToken: encodeToken(next) } : { items }
  }

  // ---------------------------------------------------------------- users

  createUser(input: CreateUserInput): User {
    const now = this.nowIso()
    const user: User = { id: newId('user', this.options.now()), createdAt: now, updatedAt: now, tags: cleanTags(input.tags) }
    if (input.name !== undefined) user.name = input.name
    if (input.pictureUrl !== undefined) user.pictureUrl = input.pictureUrl
    if (input.attributes !== undefined) user.attributes = cleanTags(input.attributes)
    this.users.set(user.id, { seq: this.nextSeq(), value: user })
    return clone(user)
  }

  private userRow(id: string): Row<User> {
    const row = this.users.get(id)
    if (!row) throw notFound('User', id)
    return row
  }

  getUser(id: string): User {
    return clone(this.userRow(id).value)
  }

  hasUser(id: string): boolean {
    return this.users.has(id)
  }

  updateUser(id: string, input: UpdateUserInput): User {
    const user = this.userRow(id).value
    user.tags = mergeTags(user.tags, input.tags)
    if (input.name === null) delete user.name
    else if (input.name !== undefined) user.name = input.name
    if (input.pictureUrl === null) delete user.pictureUrl
    else if (input.pictureUrl !== undefined) user.pictureUrl = input.pictureUrl
    if (input.attributes !== undefined) {
      const attributes: Tags = { ...(user.attributes ?? {}) }
      for (const [k, v] of Object.entries(input.attributes)) {
        if (v === null || v === '') delete attributes[k]
        else attributes[k] = v
      }
      user.attributes = attributes
    }
    user.updatedAt = this.nowIso()
    return clone(user)
  }

  listUsers(opts: ListOptions & { tags?: Tags; conversationId?: string }): Page<User> {
    const members = opts.conversationId === undefined ? undefined : (this.participants.get(opts.conversationId) ?? new Set<string>())
    return this.page(this.users.values(), opts, (u) => tagsMatch(u.tags, opts.tags) && (members === undefined || members.has(u.id)))
  }

  getOrCreateUser(input: GetOrCreateUserInput): { user: User; created: boolean } {
    for (const { value } of this.users.values()) {
      if (discriminates(value.tags, input.tags, input.discriminateByTags)) return { user: clone(value), created: false }
    }
    return { user: this.createUser(input), created: true }
  }

  deleteUser(id: string): void {
    this.userRow(id)
    this.users.delete(id)
    for (const members of this.participants.values()) members.delete(id)
    this.deleteStatesOf('user', id)
  }

  // -------------------------------------------------------- conversations

  createConversation(input: CreateConversationInput): Conversation {
    const now = this.nowIso()
    const conversation: Conversation = {
      id: newId('conversation', this.options.now()),
      createdAt: now,
      updatedAt: now,
      channel: input.channel,
      integration: input.integration,
      tags: cleanTags(input.tags),
    }
    this.conversations.set(conversation.id, { seq: this.nextSeq(), value: conversation })
    this.participants.set(conversation.id, new Set())
    return clone(conversation)
  }

  private conversationRow(id: string): Row<Conversation> {
    const row = this.conversations.get(id)
    if (!row) throw notFound('Conversation', id)
    return row
  }

  getConversation(id: string): Conversation {
    return clone(this.conversationRow(id).value)
  }

  hasConversation(id: string): boolean {
    return this.conversations.has(id)
  }

  updateConversation(id: string, input: { tags?: Tags; currentTaskId?: string }): Conversation {
    const conversation = this.conversationRow(id).value
    conversation.tags = mergeTags(conversation.tags, input.tags)
    if (input.currentTaskId !== undefined) conversation.currentTaskId = input.currentTaskId
    conversation.updatedAt = this.nowIso()
    return clone(conversation)
  }

  listConversations(
    opts: ListOptions & { tags?: Tags; channel?: string; integrationName?: string; participantIds?: string[] },
  ): Page<Conversation> {
    return this.page(this.conversations.values(), opts, (c) => {
      if (opts.channel !== undefined && c.channel !== opts.channel) return false
      if (opts.integrationName !== undefined && c.integration !== opts.integrationName) return false
      if (!tagsMatch(c.tags, opts.tags)) return false
      if (opts.participantIds && opts.participantIds.length > 0) {
        const members = this.participants.get(c.id)
        if (!members || !opts.participantIds.every((p) => members.has(p))) return false
      }
      return true
    })
  }

  getOrCreateConversation(input: GetOrCreateConversationInput): { conversation: Conversation; created: boolean } {
    for (const { value } of this.conversations.values()) {
      if (value.channel !== input.channel || value.integration !== input.integration) continue
      if (discriminates(value.tags, input.tags, input.discriminateByTags)) return { conversation: clone(value), created: false }
    }
    return { conversation: this.createConversation(input), created: true }
  }

  deleteConversation(id: string): void {
    this.conversationRow(id)
    this.conversations.delete(id)
    this.participants.delete(id)
    for (const [msgId, { value }] of this.messages) if (value.conversationId === id) this.messages.delete(msgId)
    this.deleteStatesOf('conversation', id)
  }

  // --------------------------------------------------------- participants

  listParticipants(conversationId: string, opts: ListOptions): Page<User> {
    this.conversationRow(conversationId)
    const members = this.participants.get(conversationId) ?? new Set<string>()
    return this.page(this.users.values(), { ...opts, sortDirection: opts.sortDirection ?? 'asc' }, (u) => members.has(u.id))
  }

  addParticipant(conversationId: string, userId: string): User {
    this.conversationRow(conversationId)
    const user = this.users.get(userId)
    if (!user) throw referenceNotFound('userId', userId)
    this.addMember(conversationId, userId)
    return clone(user.value)
  }

  getParticipant(conversationId: string, userId: string): User {
    this.conversationRow(conversationId)
    const user = this.users.get(userId)
    if (!user || !this.participants.get(conversationId)?.has(userId)) throw notFound('Participant', userId)
    return clone(user.value)
  }

  removeParticipant(conversationId: string, userId: string): void {
    this.conversationRow(conversationId)
    const members = this.participants.get(conversationId)
    if (!members?.has(userId)) throw notFound('Participant', userId)
    members.delete(userId)
  }

  private addMember(conversationId: string, userId: string): void {
    let members = this.participants.get(conversationId)
    if (!members) {
      members = new Set()
      this.participants.set(conversationId, members)
    }
    members.add(userId)
  }

  // ------------------------------------------------------------- messages

  createMessage(input: CreateMessageInput): Message {
    if (!this.conversations.has(input.conversationId)) throw referenceNotFound('conversationId', input.conversationId)
    if (!this.users.has(input.userId)) throw referenceNotFound('userId', input.userId)
    const now = this.nowIso()
    const message: Message = {
      id: newId('message', this.options.now()),
      createdAt: now,
      updatedAt: now,
      type: input.type,
      payload: clone(input.payload),
      direction: input.direction,
      userId: input.userId,
      conversationId: input.conversationId,
      tags: cleanTags(input.tags),
    }
    if (input.origin !== undefined) message.origin = input.origin
    this.messages.set(message.id, { seq: this.nextSeq(), value: message })
    this.addMember(input.conversationId, input.userId)
    return clone(message)
  }

  getOrCreateMessage(input: GetOrCreateMessageInput): { message: Message; created: boolean } {
    if (!this.conversations.has(input.conversationId)) throw referenceNotFound('conversationId', input.conversationId)
    for (const { value } of this.messages.values()) {
      if (value.conversationId !== input.conversationId) continue
      if (discriminates(value.tags, input.tags, input.discriminateByTags)) return { message: clone(value), created: false }
    }
    return { message: this.createMessage(input), created: true }
  }

  private messageRow(id: string): Row<Message> {
    const row = this.messages.get(id)
    if (!row) throw notFound('Message', id)
    return row
  }

  getMessage(id: string): Message {
    return clone(this.messageRow(id).value)
  }

  updateMessage(id: string, input: { tags: Tags; payload?: JsonObject }): Message {
    const message = this.messageRow(id).value
    message.tags = mergeTags(message.tags, input.tags)
    if (input.payload !== undefined) message.payload = clone(input.payload)
    message.updatedAt = this.nowIso()
    return clone(message)
  }

  listMessages(opts: ListOptions & { conversationId?: string; tags?: Tags }): Page<Message> {
    return this.page(
      this.messages.values(),
      opts,
      (m) => (opts.conversationId === undefined || m.conversationId === opts.conversationId) && tagsMatch(m.tags, opts.tags),
    )
  }

  deleteMessage(id: string): void {
    this.messageRow(id)
    this.messages.delete(id)
  }

  /** user + conversation + (optional) message get-or-create, all in one synchronous step. */
  initializeIncomingMessage(input: InitializeIncomingMessageInput, direction: MessageDirection): InitializeIncomingMessageResult {
    // validate references before creating anything, so a failing call leaves no partial state
    if (input.userId !== undefined && !this.users.has(input.userId)) throw referenceNotFound('userId', input.userId)
    if (input.conversationId !== undefined && !this.conversations.has(input.conversationId)) {
      throw referenceNotFound('conversationId', input.conversationId)
    }
    if (input.userId === undefined && input.user === undefined) throw invalidPayload('Either "userId" or "user" is required')
    if (input.conversationId === undefined && input.conversation === undefined) {
      throw invalidPayload('Either "conversationId" or "conversation" is required')
    }

    const userResult = input.userId !== undefined ? { user: this.getUser(input.userId), created: false } : this.getOrCreateUser(requireDefined(input.user))
    const convResult =
      input.conversationId !== undefined
        ? { conversation: this.getConversation(input.conversationId), created: false }
        : this.getOrCreateConversation(requireDefined(input.conversation))
    this.addMember(convResult.conversation.id, userResult.user.id)

    const result: InitializeIncomingMessageResult = {
      user: userResult.user,
      conversation: convResult.conversation,
      created: { user: userResult.created, conversation: convResult.created, message: false },
    }
    if (input.message) {
      const msgResult = this.getOrCreateMessage({
        ...input.message,
        conversationId: convResult.conversation.id,
        userId: userResult.user.id,
        direction,
      })
      result.message = msgResult.message
      result.created.message = msgResult.created
    }
    return result
  }

  // --------------------------------------------------------------- events

  createEvent(input: CreateEventInput): BotEvent {
    if (input.conversationId !== undefined && !this.conversations.has(input.conversationId)) {
      throw referenceNotFound('conversationId', input.conversationId)
    }
    if (input.userId !== undefined && !this.users.has(input.userId)) throw referenceNotFound('userId', input.userId)
    if (input.messageId !== undefined && !this.messages.has(input.messageId)) throw referenceNotFound('messageId', input.messageId)
    const status: EventStatus = input.scheduled ? 'scheduled' : 'pending'
    const event: BotEvent = {
      id: newId('event', this.options.now()),
      createdAt: this.nowIso(),
      type: input.type,
      payload: clone(input.payload),
      status,
      failureReason: null,
    }
    if (input.conversationId !== undefined) event.conversationId = input.conversationId
    if (input.userId !== undefined) event.userId = input.userId
    if (input.messageId !== undefined) event.messageId = input.messageId
    if (input.workflowId !== undefined) event.workflowId = input.workflowId
    this.events.set(event.id, { seq: this.nextSeq(), value: event })
    return clone(event)
  }

  getEvent(id: string): BotEvent {
    const row = this.events.get(id)
    if (!row) throw notFound('Event', id)
    return clone(row.value)
  }

  listEvents(
    opts: ListOptions & { type?: string; conversationId?: string; userId?: string; messageId?: string; workflowId?: string; status?: string },
  ): Page<BotEvent> {
    return this.page(this.events.values(), opts, (e) => {
      if (opts.type !== undefined && e.type !== opts.type) return false
      if (opts.conversationId !== undefined && e.conversationId !== opts.conversationId) return false
      if (opts.userId !== undefined && e.userId !== opts.userId) return false
      if (opts.messageId !== undefined && e.messageId !== opts.messageId) return false
      if (opts.workflowId !== undefined && e.workflowId !== opts.workflowId) return false
      if (opts.status !== undefined && e.status !== opts.status) return false
      return true
    })
  }

  // --------------------------------------------------------------- states

  private liveState(key: StateKey): StoredState | undefined {
    const k = stateKey(key)
    const stored = this.states.get(k)
    if (!stored) return undefined
    if (stored.expiresAt !== undefined && stored.expiresAt <= this.options.now()) {
      this.states.delete(k)
      return undefined
    }
    return stored
  }

  private checkStateOwner(key: StateKey): void {
    if (key.type === 'conversation' && !this.conversations.has(key.id)) throw notFound('Conversation', key.id)
    if (key.type === 'user' && !this.users.has(key.id)) throw notFound('User', key.id)
  }

  private writeState(key: StateKey, payload: JsonObject, expiry: number | null | undefined, existing: StoredState | undefined): State {
    const nowMs = this.options.now()
    const now = new Date(nowMs).toISOString()
    let stored = existing
    if (!stored) {
      const state: State = { id: newId('state', nowMs), createdAt: now, updatedAt: now, botId: this.botId, name: key.name, type: key.type, payload: {} }
      if (key.type === 'conversation') state.conversationId = key.id
      if (key.type === 'user') state.userId = key.id
      stored = { seq: this.nextSeq(), state }
      this.states.set(stateKey(key), stored)
    }
    stored.state.payload = clone(payload)
    stored.state.updatedAt = now
    if (expiry === null) delete stored.expiry
    else if (expiry !== undefined) stored.expiry = expiry
    if (stored.expiry === undefined) delete stored.expiresAt
    else stored.expiresAt = nowMs + stored.expiry
    return clone(stored.state)
  }

  getState(key: StateKey): State {
    const stored = this.liveState(key)
    if (!stored) throw notFound('State', `${key.type}/${key.id}/${key.name}`)
    return clone(stored.state)
  }

  /** `payload: null` deletes the state (answering the deleted state with a null payload). */
  setState(key: StateKey, payload: JsonObject | null, expiry?: number | null): State | (Omit<State, 'payload'> & { payload: null }) {
    const existing = this.liveState(key)
    if (payload === null) {
      this.states.delete(stateKey(key))
      const nowIso = this.nowIso()
      const base: State = existing?.state ?? {
        id: newId('state', this.options.now()),
        createdAt: nowIso,
        updatedAt: nowIso,
        botId: this.botId,
        name: key.name,
        type: key.type,
        payload: {},
        ...(key.type === 'conversation' ? { conversationId: key.id } : {}),
        ...(key.type === 'user' ? { userId: key.id } : {}),
      }
      return { ...clone(base), updatedAt: nowIso, payload: null }
    }
    this.checkStateOwner(key)
    return this.writeState(key, payload, expiry, existing)
  }

  getOrSetState(key: StateKey, payload: JsonObject, expiry?: number | null): { state: State; created: boolean } {
    const existing = this.liveState(key)
    if (existing) return { state: clone(existing.state), created: false }
    this.checkStateOwner(key)
    return { state: this.writeState(key, payload, expiry, undefined), created: true }
  }

  /** Shallow-merges `payload` into the existing state's payload. */
  patchState(key: StateKey, payload: JsonObject): State {
    const existing = this.liveState(key)
    if (!existing) throw notFound('State', `${key.type}/${key.id}/${key.name}`)
    return this.writeState(key, { ...existing.state.payload, ...payload }, undefined, existing)
  }

  setStateExpiry(key: StateKey, expiry: number | null): State {
    const existing = this.liveState(key)
    if (!existing) throw notFound('State', `${key.type}/${key.id}/${key.name}`)
    return this.writeState(key, existing.state.payload, expiry, existing)
  }

  private deleteStatesOf(type: StateType, id: string): void {
    const prefix = `${type}\u0000${id}\u0000`
    for (const k of [...this.states.keys()]) if (k.startsWith(prefix)) this.states.delete(k)
  }

  // ------------------------------------------------------- read-only view

  snapshot(): BotSnapshot {
    const rows = <T>(m: Map<string, Row<T>>): T[] => [...m.values()].sort((a, b) => a.seq - b.seq).map((r) => clone(r.value))
    const nowMs = this.options.now()
    return {
      botId: this.botId,
      users: rows(this.users),
      conversations: rows(this.conversations),
      messages: rows(this.messages),
      events: rows(this.events),
      states: [...this.states.values()]
        .filter((s) => s.expiresAt === undefined || s.expiresAt > nowMs)
        .sort((a, b) => a.seq - b.seq)
        .map((s) => ({ ...clone(s.state), ...(s.expiresAt !== undefined ? { expiresAt: new Date(s.expiresAt).toISOString() } : {}) })),
      participants: Object.fromEntries([...this.participants].map(([conv, members]) => [conv, [...members]])),
    }
  }
}

function requireDefined<T>(value: T | undefined): T {
  if (value === undefined) throw invalidPayload('missing value')
  return value
}

export interface BotSnapshot {
  botId: string
  users: User[]
  conversations: Conversation[]
  messages: Message[]
  events: BotEvent[]
  /** live (non-expired) states; `expiresAt` is set when the state has an expiry */
  states: Array<State & { expiresAt?: string }>
  /** conversation id -> participant user ids */
  participants: Record<string, string[]>
}

/** All bots' stores. */
export class MemoryStore {
  private readonly bots = new Map<string, BotStore>()
  private readonly options: StoreOptions

  constructor(options: StoreOptions) {
    this.options = options
  }

  forBot(botId: string): BotStore {
    let store = this.bots.get(botId)
    if (!store) {
      store = new BotStore(botId, this.options)
      this.bots.set(botId, store)
    }
    return store
  }

  forBotIfExists(botId: string): BotStore | undefined {
    return this.bots.get(botId)
  }

  botIds(): string[] {
    return [...this.bots.keys()]
  }

  clear(): void {
    this.bots.clear()
  }
}

/** Read access handed to tests. Entities are copies; without `botId`, results span every bot (in creation order per bot). */
export interface StoreView {
  botIds(): string[]
  bot(botId: string): BotSnapshot
  users(botId?: string): User[]
  conversations(botId?: string): Conversation[]
  messages(botId?: string): Message[]
  events(botId?: string): BotEvent[]
  states(botId?: string): Array<State & { expiresAt?: string }>
  participants(conversationId: string, botId?: string): string[]
}

export function createStoreView(store: MemoryStore): StoreView {
  const snapshots = (botId?: string): BotSnapshot[] =>
    (botId === undefined ? store.botIds() : [botId])
      .map((id) => store.forBotIfExists(id))
      .filter((s): s is BotStore => s !== undefined)
      .map((s) => s.snapshot())
  return {
    botIds: () => store.botIds(),
    bot: (botId) => store.forBotIfExists(botId)?.snapshot() ?? emptySnapshot(botId),
    users: (botId) => snapshots(botId).flatMap((s) => s.users),
    conversations: (botId) => snapshots(botId).flatMap((s) => s.conversations),
    messages: (botId) => snapshots(botId).flatMap((s) => s.messages),
    events: (botId) => snapshots(botId).flatMap((s) => s.events),
    states: (botId) => snapshots(botId).flatMap((s) => s.states),
    participants: (conversationId, botId) => snapshots(botId).flatMap((s) => s.participants[conversationId] ?? []),
  }
}

const emptySnapshot = (botId: string): BotSnapshot => ({ botId, users: [], conversations: [], messages: [], events: [], states: [], participants: {} })
