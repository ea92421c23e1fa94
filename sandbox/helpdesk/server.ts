/*
 * Reference helpdesk: the server, and the order in which a helpdesk handles each call of the contract (§2):
 *
 *   1. read the raw body (413 over 1 MiB)
 *   2. verify the Standard Webhooks signature over those bytes           401 when missing, wrong or stale
 *   3. check `Authorization: Bearer <apiToken>`, when a token is set      401
 *   4. a `webhook-id` already answered gets that first answer again, and nothing is done twice
 *   5. parse JSON (400), route (404 / 405), validate and act (routes.ts); remember the answer under the
 *      `webhook-id` (not a 5xx, so a retry after a server error can still succeed)
 *
 * `/agent/...` is the agent console (agent-routes.ts), outside the contract.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '../../contract/signature'
import type { Agent } from '../../contract/webhook-events'
import { createAgentActions, type AgentMessage } from './agent'
import { handleAgentRequest } from './agent-routes'
import { readBody, sendJson } from './http'
import { errorAnswer, handleContractCall } from './routes'
import { HelpdeskStore, readOnlyView, type Answer, type Change, type Delivery, type HelpdeskStoreView } from './store'
import { verifyBearer } from './verify'
import { createWebhookSender, type WebhookRetry } from './webhook-sender'

export type ReferenceHelpdeskOptions = {
  /** 0 (the default) picks a free port */
  port?: number
  /** default 127.0.0.1 */
  host?: string
  /** the shared Standard Webhooks secret, `whsec_<base64>`; signs both directions */
  secret: string
  /** when set, every contract call must carry `Authorization: Bearer <apiToken>` */
  apiToken?: string
  /** where events are POSTed (the integration's webhook URL); can be set later with `setWebhookUrl` */
  webhookUrl?: string
  /** retries of an event on 5xx / network failure (default 5 attempts, 500 ms doubling) */
  webhookRetry?: WebhookRetry
  /** unexpected errors (default console.error) */
  log?: (line: string) => void
}

export type ReferenceHelpdesk = {
  /** e.g. http://127.0.0.1:54321: the integration's helpdesk base URL; the agent console is at `${url}/agent` */
  url: string
  port: number
  /** read access to users, tickets (history, messages, status, agent) and event deliveries */
  store: HelpdeskStoreView
  setWebhookUrl(url: string | undefined): void
  /** an agent writes in a ticket: records it, sends `message.created` */
  agentReply(ticketId: string, agent: Agent, message: AgentMessage): Promise<Delivery>
  /** an agent takes a ticket: records it, sends `agent.assigned` */
  assign(ticketId: string, agent: Agent): Promise<Delivery>
  /** an agent closes a ticket: records it, sends `conversation.closed` */
  closeTicket(ticketId: string, reason?: string): Promise<Delivery>
  /** called on every change (a ticket created, a message, an assignment, a close, a delivery); returns the unsubscribe */
  onChange(listener: (change: Change) => void): () => void
  /** stops the server (and the console's event streams) */
  close(): Promise<void>
}

export const startReferenceHelpdesk = async (options: ReferenceHelpdeskOptions): Promise<ReferenceHelpdesk> => {
  const store = new HelpdeskStore()
  let webhookUrl = options.webhookUrl
  const send = createWebhookSender({ secret: options.secret, webhookUrl: () => webhookUrl, retry: options.webhookRetry })
  const actions = createAgentActions(store, send)
  const log = options.log ?? ((line: string) => console.error(`[reference-helpdesk] ${line}`))

  const answerCall = (method: string, path: string, raw: Buffer): Answer => {
    let body: unknown
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        return errorAnswer(400, 'invalid_json', 'The body is not JSON')
      }
    }
    return handleContractCall(store, method, path, body)
  }

  const handleContractRequest = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const raw = await readBody(req)
    if (!raw) return sendJson(res, errorAnswer(413, 'payload_too_large', 'The body is over 1 MiB'))

    const signature = verifySignature(options.secret, raw, req.headers)
    if (!signature.ok) return sendJson(res, errorAnswer(401, 'invalid_signature', signature.reason))
    if (options.apiToken !== undefined && !verifyBearer(options.apiToken, req.headers.authorization)) {
      const answer = errorAnswer(401, 'invalid_token', 'Missing or wrong Authorization: Bearer token')
      return sendJson(res, { ...answer, headers: { 'www-authenticate': 'Bearer' } })
    }

    const first = store.answerFor(signature.webhookId)
    if (first) return sendJson(res, first)

    // from here to rememberAnswer nothing awaits, so two deliveries of one webhook-id cannot both act
    const answer = answerCall(req.method ?? 'GET', path, raw)
    if (answer.status < 500) store.rememberAnswer(signature.webhookId, answer)
    sendJson(res, answer)
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const handled =
      path === '/agent' || path.startsWith('/agent/')
        ? handleAgentRequest(req, res, path, { store, actions })
        : handleContractRequest(req, res, path)
    handled.catch((error: unknown) => {
      log(`${req.method} ${path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      if (!res.headersSent) sendJson(res, errorAnswer(500, 'internal', 'Unexpected error in the reference helpdesk'))
      else res.end()
    })
  })

  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    store: readOnlyView(store),
    onChange: (listener) => store.onChange(listener),
    setWebhookUrl: (url) => {
      webhookUrl = url
    },
    agentReply: actions.reply,
    assign: actions.assign,
    closeTicket: actions.close,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
