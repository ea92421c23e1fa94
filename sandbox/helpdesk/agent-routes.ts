/*
 * Reference helpdesk: the agent console's HTTP API. NOT part of the contract: it is how a person (or a browser
 * test) plays the human agent. Unsigned, so it answers loopback clients only, and its POSTs require
 * `content-type: application/json` (a cross-site form cannot send that without a CORS preflight, which is refused).
 *
 *   GET  /agent                      the console page (sandbox/web/agent-console.html)
 *   GET  /agent/console.js           its script (sandbox/web/agent-console.js, with follow.js and agent-favicon.svg)
 *   GET  /agent/events               server-sent events: `event: change`, data `{ kind, ticketId? }` on every change
 *   GET  /agent/tickets              { tickets: [{ id, title, status, requester, assignedAgent, lastActivityAt, ... }] }
 *   GET  /agent/tickets/{id}         { ticket: { ...ticket, history, messages, deliveries } }
 *   POST /agent/tickets/{id}/reply   { agent: { name, id? }, text?, imageUrl? } or { agent, type, payload } -> { deliveries }
 *   POST /agent/tickets/{id}/assign  { agent: { name, id? } } -> { delivery }
 *   POST /agent/tickets/{id}/close   { reason? } -> { delivery }
 *
 * An agent without an `id` gets `agent-<name as a slug>`, so the same name is always the same agent.
 */
import { z } from '@botpress/sdk'
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import type { Agent } from '../../contract/webhook-events'
import { AgentActionError, type AgentActions, type AgentMessage } from './agent'
import { decodeSegment, readBody, sendJson } from './http'
import { errorAnswer } from './routes'
import type { Answer, Delivery, HelpdeskStore } from './store'

const webDir = fileURLToPath(new URL('../web/', import.meta.url))
const files: Record<string, { file: string; type: string }> = {
  '/agent': { file: 'agent-console.html', type: 'text/html; charset=utf-8' },
  '/agent/': { file: 'agent-console.html', type: 'text/html; charset=utf-8' },
  '/agent/console.js': { file: 'agent-console.js', type: 'text/javascript; charset=utf-8' },
  '/agent/follow.js': { file: 'follow.js', type: 'text/javascript; charset=utf-8' },
  '/agent/favicon.svg': { file: 'agent-favicon.svg', type: 'image/svg+xml' },
}

const agentInput = z.object({
  id: z.string().min(1).max(200).optional(),
  name: z.string().trim().min(1).max(200),
  email: z.string().optional(),
  pictureUrl: z.string().optional(),
})
const replyInput = z.object({
  agent: agentInput,
  text: z.string().optional(),
  imageUrl: z.string().optional(),
  type: z.string().optional(),
  payload: z.record(z.unknown()).optional(),
})
const assignInput = z.object({ agent: agentInput })
const closeInput = z.object({ reason: z.string().optional() })

const toAgent = ({ id, name, email, pictureUrl }: z.infer<typeof agentInput>): Agent => ({
  id: id ?? `agent-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'anonymous'}`,
  name,
  ...(email ? { email } : {}),
  ...(pictureUrl ? { pictureUrl } : {}),
})

/** The messages one reply form sends: a text, an image, or both (two messages), or one message of any type. */
const replyMessages = (input: z.infer<typeof replyInput>): AgentMessage[] => {
  if (input.type && input.payload) return [{ type: input.type, payload: input.payload }]
  const messages: AgentMessage[] = []
  if (input.text?.trim()) messages.push({ type: 'text', payload: { text: input.text } })
  if (input.imageUrl?.trim()) messages.push({ type: 'image', payload: { imageUrl: input.imageUrl.trim() } })
  if (!messages.length) throw new AgentActionError(400, 'Write a text or give an image URL')
  return messages
}

const isLoopback = (address: string | undefined): boolean =>
  !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'))

export type AgentRouteContext = { store: HelpdeskStore; actions: AgentActions }

export const handleAgentRequest = async (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  { store, actions }: AgentRouteContext
): Promise<void> => {
  if (!isLoopback(req.socket.remoteAddress)) {
    return sendJson(res, errorAnswer(403, 'forbidden', 'The agent console answers loopback clients only'))
  }
  const method = req.method ?? 'GET'
  const file = files[path]
  if (file && method === 'GET') {
    const text = await readFile(webDir + file.file, 'utf8')
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' })
    res.end(text)
    return
  }
  if (path === '/agent/events' && method === 'GET') return streamChanges(res, store)
  if (path === '/agent/tickets' && method === 'GET') return sendJson(res, { status: 200, body: { tickets: listTickets(store) } })

  const match = /^\/agent\/tickets\/([^/]+)(?:\/(reply|assign|close))?$/.exec(path)
  const ticketId = match?.[1] ? decodeSegment(match[1]) : undefined
  const action = match?.[2]
  if (!match || ticketId === undefined) return sendJson(res, errorAnswer(404, 'not_found', `No route ${path}`))
  if (!action) {
    if (method !== 'GET') return sendJson(res, { ...errorAnswer(405, 'method_not_allowed', 'Use GET'), headers: { allow: 'GET' } })
    const ticket = store.ticket(ticketId)
    if (!ticket) return sendJson(res, errorAnswer(404, 'not_found', `No ticket ${ticketId}`))
    const deliveries = store.allDeliveries().filter((d) => d.ticketId === ticketId)
    return sendJson(res, { status: 200, body: { ticket: { ...ticket, deliveries } } })
  }
  if (method !== 'POST') return sendJson(res, { ...errorAnswer(405, 'method_not_allowed', 'Use POST'), headers: { allow: 'POST' } })
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
    return sendJson(res, errorAnswer(415, 'unsupported_media_type', 'Send the body as application/json'))
  }
  sendJson(res, await runAction(req, action, ticketId, actions))
}

const runAction = async (req: IncomingMessage, action: string, ticketId: string, actions: AgentActions): Promise<Answer> => {
  const raw = await readBody(req, 64 * 1024)
  if (!raw) return errorAnswer(413, 'payload_too_large', 'Body over 64 KiB')
  let body: unknown
  try {
    body = raw.length ? JSON.parse(raw.toString('utf8')) : {}
  } catch {
    return errorAnswer(400, 'invalid_json', 'The body is not JSON')
  }
  try {
    if (action === 'reply') {
      const input = replyInput.parse(body)
      const deliveries: Delivery[] = []
      for (const message of replyMessages(input)) deliveries.push(await actions.reply(ticketId, toAgent(input.agent), message))
      return { status: 200, body: { deliveries } }
    }
    if (action === 'assign') {
      const input = assignInput.parse(body)
      return { status: 200, body: { delivery: await actions.assign(ticketId, toAgent(input.agent)) } }
    }
    const input = closeInput.parse(body)
    return { status: 200, body: { delivery: await actions.close(ticketId, input.reason || undefined) } }
  } catch (error) {
    if (error instanceof AgentActionError) return errorAnswer(error.status, 'agent_action_failed', error.message)
    if (error instanceof z.ZodError) {
      const issues = error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }))
      return errorAnswer(400, 'invalid_body', 'The request body is not valid', issues)
    }
    throw error
  }
}

const listTickets = (store: HelpdeskStore) =>
  store
    .allTickets()
    .map((t) => ({
      id: t.id,
      title: t.title,
      status: t.status,
      requester: t.requester,
      assignedAgent: t.assignedAgent ?? null,
      lastActivityAt: t.lastActivityAt,
      createdAt: t.createdAt,
      messageCount: t.history.length + t.messages.length,
    }))
    .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt))

/** Server-sent events: one `change` event per store change; the console then reloads what it shows. */
const streamChanges = (res: ServerResponse, store: HelpdeskStore): void => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
  res.write('retry: 1000\n\n')
  const unsubscribe = store.onChange((change) => res.write(`event: change\ndata: ${JSON.stringify(change)}\n\n`))
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 20_000)
  res.on('close', () => {
    unsubscribe()
    clearInterval(keepAlive)
  })
}
