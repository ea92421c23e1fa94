/**
 * node:http server in front of the in-memory store, plus the test hooks
 * (recorded calls, fault injection, creation listeners).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { ApiError, errorTypeForStatus, generateErrorId } from './errors'
import { matchRoute, type Operation, type RouteContext } from './routes'
import { createStoreView, MemoryStore, type StoreView } from './store'
import type { BotEvent, Caller, CreationContext, JsonObject, Message } from './types'
import { tagScope } from './tag-scope'
import { isObject, parseQuery } from './validate'

export type MessageListener = (message: Message, context: CreationContext) => void | Promise<void>
export type EventListener = (event: BotEvent, context: CreationContext) => void | Promise<void>

export interface BotpressApiOptions {
  /** default 127.0.0.1 */
  host?: string
  /** default 0 (a free port) */
  port?: number
  /**
   * Name stamped as `conversation.integration` when an integration creates a conversation
   * (unless the body has `integrationName`). Resolution: `integrationNames[x-integration-id]`,
   * then the `x-integration-alias` header, then this. Default `'hitl'`.
   */
  integrationName?: string
  integrationNames?: Record<string, string>
  /** bot id used when a request has no `x-bot-id` header; without it such requests answer 400 */
  defaultBotId?: string
  /** page size of the list operations (default 50) */
  pageSize?: number
  /** clock in epoch ms, for timestamps and state expiry (default `Date.now`) */
  now?: () => number
  /** called whenever a message is created (not when get-or-create returns an existing one) */
  onMessage?: MessageListener
  /** called whenever an event is created */
  onEvent?: EventListener
  /** diagnostics (unimplemented routes, listener failures); default `console.warn` */
  log?: (line: string) => void
  /**
   * Artificial latency (ms) added after a request is read and before it is served, to simulate
   * the network and to make concurrent requests really overlap in tests. The operation itself still
   * runs atomically after the delay. Default 0.
   */
  latencyMs?: number | (() => number)
  /** max request body in bytes (default 10 MiB), above it the API answers PayloadTooLarge */
  maxBodyBytes?: number
}

export interface RecordedCall {
  /** client operation name, or `'unknown'` for a route this server doesn't implement */
  operation: Operation | 'unknown'
  method: string
  /** path without the query string */
  path: string
  /** decoded query string (repeated keys become arrays; `tags.<k>` keys are kept as is) */
  query: Record<string, string | string[]>
  /** parsed JSON body (`undefined` when the request had none) */
  body: unknown
  botId?: string
  integrationId?: string
  /** HTTP status answered (0 while in flight, or when the connection was dropped) */
  status: number
  /** ISO timestamp of arrival */
  at: string
}

export interface FailOptions {
  /** HTTP status to answer */
  status: number
  /** how many upcoming calls of the operation fail (default 1) */
  times?: number
  /** custom JSON body (default: the API error body for `status`, e.g. `{ id, code: 404, type: 'ResourceNotFound', message }`) */
  body?: unknown
  /** extra response headers, e.g. `{ 'retry-after': '0' }` so the SDK's 429 retry doesn't wait */
  headers?: Record<string, string>
  /** destroy the socket instead of answering (a network error for the client) */
  dropConnection?: boolean
  /** apply the operation first, then answer the failure (or drop the connection): the write landed, the answer was lost */
  afterApply?: boolean
}

/** A call held before it is applied, until the test lets it go: a stalled network or a slow Botpress. */
export interface Stall {
  /** resolves when the held call has arrived */
  readonly reached: Promise<void>
  /** applies and answers the held call */
  release(): void
}

export interface BotpressApiServer {
  /** e.g. `http://127.0.0.1:54321`; use as `apiUrl` / `BP_API_URL` */
  readonly url: string
  readonly port: number
  /** every request, in arrival order (live array) */
  readonly calls: RecordedCall[]
  resetCalls(): void
  /** recorded calls of one operation */
  callsTo(operation: Operation): RecordedCall[]
  /** read-only view of the data (copies) */
  readonly store: StoreView
  /** make the next `times` calls of `operation` fail; queued faults are consumed in order */
  failNext(operation: Operation, options: FailOptions): void
  /** hold the next call of `operation` (before any queued fault is taken) until `release()` */
  stallNext(operation: Operation): Stall
  clearFailures(): void
  /** subscribe to created messages / events; returns an unsubscribe function */
  onMessage(listener: MessageListener): () => void
  onEvent(listener: EventListener): () => void
  /** wipe the data, the recorded calls and pending faults */
  reset(): void
  close(): Promise<void>
}

interface PendingFault {
  options: FailOptions
  remaining: number
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  const first = Array.isArray(value) ? value[0] : value
  return first === undefined || first === '' ? undefined : first
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => (tooLarge ? reject(new ApiError('PayloadTooLarge', `Request body exceeds ${maxBytes} bytes`)) : resolve(Buffer.concat(chunks))))
    req.on('error', reject)
  })
}

function asJsonObject(body: unknown): JsonObject {
  if (!isObject(body)) throw new ApiError('InvalidPayload', 'Request body must be a JSON object')
  return body
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { ...JSON_HEADERS, ...headers, 'content-length': Buffer.byteLength(text).toString() })
  res.end(text)
}

export async function startServer(options: BotpressApiOptions = {}): Promise<BotpressApiServer> {
  const now = options.now ?? Date.now
  const log = options.log ?? ((line: string) => console.warn(`[botpress-api] ${line}`))
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024
  const memory = new MemoryStore({ now, pageSize: options.pageSize ?? 50 })
  const view = createStoreView(memory)
  const calls: RecordedCall[] = []
  const faults = new Map<Operation, PendingFault[]>()
  const messageListeners = new Set<MessageListener>(options.onMessage ? [options.onMessage] : [])
  const eventListeners = new Set<EventListener>(options.onEvent ? [options.onEvent] : [])

  const notify = <T>(listeners: Set<(value: T, ctx: CreationContext) => void | Promise<void>>, value: T, ctx: CreationContext, what: string): void => {
    for (const listener of listeners) {
      try {
        const result = listener(value, ctx)
        if (result instanceof Promise) result.catch((err: unknown) => log(`${what} listener failed: ${String(err)}`))
      } catch (err) {
        log(`${what} listener failed: ${String(err)}`)
      }
    }
  }

  const stalls = new Map<Operation, Array<() => Promise<void>>>()

  const takeFault = (operation: Operation): FailOptions | undefined => {
    const queue = faults.get(operation)
    const head = queue?.[0]
    if (!queue || !head) return undefined
    head.remaining -= 1
    if (head.remaining <= 0) queue.shift()
    if (queue.length === 0) faults.delete(operation)
    return head.options
  }

  const resolveIntegrationName = (caller: Caller): string =>
    (caller.integrationId !== undefined ? options.integrationNames?.[caller.integrationId] : undefined) ??
    caller.integrationAlias ??
    options.integrationName ??
    'hitl'

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', 'http://localhost')
    const botId = header(req, 'x-bot-id') ?? options.defaultBotId
    const integrationId = header(req, 'x-integration-id')
    const integrationAlias = header(req, 'x-integration-alias')
    const userId = header(req, 'x-user-id')
    const scope = tagScope(
      integrationId === undefined ? undefined : resolveIntegrationName({ botId: botId ?? '', integrationId, ...(integrationAlias ? { integrationAlias } : {}) }),
      options.integrationName ?? 'hitl',
    )
    const query = parseQuery(scope ? scope.query(url.searchParams) : url.searchParams)
    const call: RecordedCall = {
      operation: 'unknown',
      method,
      path: url.pathname,
      query: query.toObject(),
      body: undefined,
      ...(botId !== undefined ? { botId } : {}),
      ...(integrationId !== undefined ? { integrationId } : {}),
      status: 0,
      at: new Date(now()).toISOString(),
    }
    calls.push(call)
    const reply = (status: number, body: unknown, headers?: Record<string, string>): void => {
      call.status = status
      send(res, status, body, headers)
    }
    const replyError = (err: ApiError): void => reply(err.code, err.toBody())

    try {
      const match = matchRoute(method, url.pathname)
      if (match.kind === 'found') call.operation = match.route.operation

      const raw = await readBody(req, maxBodyBytes)
      let body: unknown
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'))
        } catch {
          call.body = raw.toString('utf8')
          throw new ApiError('InvalidPayload', 'Request body is not valid JSON')
        }
      }
      call.body = body

      if (match.kind === 'not-found' || match.kind === 'method-not-allowed') {
        const detail = match.kind === 'method-not-allowed' ? ` (path exists for: ${match.operations.join(', ')})` : ''
        log(`unimplemented route ${method} ${url.pathname}${detail}`)
        throw new ApiError('MethodNotFound', `The in-memory Botpress API does not implement ${method} ${url.pathname}${detail}`)
      }

      const latency = typeof options.latencyMs === 'function' ? options.latencyMs() : (options.latencyMs ?? 0)
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency))

      const stall = stalls.get(match.route.operation)?.shift()
      if (stall) await stall()

      // everything below runs synchronously: no await between a lookup and the insert that follows it
      const fault = takeFault(match.route.operation)
      if (fault && !fault.afterApply) {
        if (fault.dropConnection) {
          call.status = 0
          req.socket.destroy()
          return
        }
        const type = errorTypeForStatus(fault.status)
        const errorBody = fault.body ?? {
          id: generateErrorId(),
          code: fault.status,
          type,
          message: `Injected failure for ${match.route.operation} (failNext)`,
        }
        reply(fault.status, errorBody, fault.headers)
        return
      }

      if (botId === undefined) throw new ApiError('InvalidPayload', 'Missing "x-bot-id" header')
      const jsonBody: JsonObject = body === undefined ? {} : asJsonObject(scope ? scope.body(body) : body)
      const caller: Caller = {
        botId,
        ...(integrationId !== undefined ? { integrationId } : {}),
        ...(integrationAlias !== undefined ? { integrationAlias } : {}),
        ...(userId !== undefined ? { userId } : {}),
      }
      const creation: CreationContext = {
        botId,
        operation: match.route.operation,
        ...(integrationId !== undefined ? { integrationId } : {}),
        ...(integrationAlias !== undefined ? { integrationAlias } : {}),
      }
      const pendingMessages: Message[] = []
      const pendingEvents: BotEvent[] = []
      const ctx: RouteContext = {
        caller,
        params: match.params,
        query,
        body: jsonBody,
        store: memory.forBot(botId),
        integrationName: resolveIntegrationName(caller),
        emitMessage: (message) => pendingMessages.push(message),
        emitEvent: (event) => pendingEvents.push(event),
      }
      const result = match.route.handle(ctx)
      if (fault?.afterApply) {
        if (fault.dropConnection) {
          call.status = 0
          req.socket.destroy()
        } else {
          reply(fault.status, fault.body ?? { id: generateErrorId(), code: fault.status, type: errorTypeForStatus(fault.status), message: `Injected failure after applying ${match.route.operation} (failNext)` }, fault.headers)
        }
        for (const message of pendingMessages) notify(messageListeners, message, creation, 'onMessage')
        for (const event of pendingEvents) notify(eventListeners, event, creation, 'onEvent')
        return
      }
      reply(200, scope ? scope.response(result) : result)
      for (const message of pendingMessages) notify(messageListeners, message, creation, 'onMessage')
      for (const event of pendingEvents) notify(eventListeners, event, creation, 'onEvent')
    } catch (err) {
      if (err instanceof ApiError) {
        replyError(err)
        return
      }
      log(`internal error on ${method} ${url.pathname}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
      replyError(new ApiError('Internal', err instanceof Error ? err.message : String(err)))
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`unhandled: ${String(err)}`)
      if (!res.headersSent) send(res, 500, new ApiError('Internal', String(err)).toBody())
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('botpress-api: expected a TCP address')
  const host = options.host ?? '127.0.0.1'
  const urlHost = host.includes(':') ? `[${host}]` : host

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    calls,
    resetCalls: () => {
      calls.length = 0
    },
    callsTo: (operation) => calls.filter((c) => c.operation === operation),
    store: view,
    failNext: (operation, failOptions) => {
      const times = failOptions.times ?? 1
      if (!Number.isInteger(times) || times < 1) throw new Error(`failNext: times must be a positive integer (got ${times})`)
      const queue = faults.get(operation) ?? []
      queue.push({ options: failOptions, remaining: times })
      faults.set(operation, queue)
    },
    clearFailures: () => faults.clear(),
    stallNext: (operation) => {
      let arrived!: () => void
      let release!: () => void
      const reached = new Promise<void>((resolve) => (arrived = resolve))
      const released = new Promise<void>((resolve) => (release = resolve))
      const queue = stalls.get(operation) ?? []
      queue.push(() => {
        arrived()
        return released
      })
      stalls.set(operation, queue)
      return { reached, release }
    },
    onMessage: (listener) => {
      messageListeners.add(listener)
      return () => {
        messageListeners.delete(listener)
      }
    },
    onEvent: (listener) => {
      eventListeners.add(listener)
      return () => {
        eventListeners.delete(listener)
      }
    },
    reset: () => {
      memory.clear()
      calls.length = 0
      faults.clear()
      stalls.clear()
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      }),
  }
}
