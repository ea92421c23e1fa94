/*
 * `HELPDESK=request-tracker npm start`: the sandbox against the local Request Tracker 5 (scripts/ensure-request-tracker.sh
 * installs and starts it). The integration uses the requestTracker configuration type; agents work in RT's own web
 * UI; RT's hitl scrip posts to the loopback address the script configured, forwarded here to the integration's
 * webhook as Botpress Cloud would.
 */
import { createServer, type Server } from 'node:http'
import { startSandbox, type Sandbox, type SandboxOptions } from '../start-sandbox'
import { localRt, type LocalRt } from './local-rt'

export type RequestTrackerSandbox = Sandbox & { rt: LocalRt }

/** Receives the scrip's posts and passes them, bytes and signature untouched, to the sandbox's webhook URL. */
const startScripReceiver = async (rt: LocalRt, webhookUrl: () => string): Promise<Server> => {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const headers: Record<string, string> = {}
      for (const name of ['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        const value = req.headers[name]
        if (typeof value === 'string') headers[name] = value
      }
      fetch(webhookUrl(), { method: 'POST', headers, body: Buffer.concat(chunks) })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
          res.end(await answer.text())
        })
        .catch(() => res.writeHead(502).end())
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new Error(`cannot listen on ${rt.webhookUrl}, where RT's scrip posts (are the tests running?): ${error.message}`))
    )
    server.listen(rt.webhookPort, '127.0.0.1', resolve)
  })
  return server
}

export const startRequestTrackerSandbox = async (
  options: Omit<SandboxOptions, 'helpdesk' | 'product'> = {}
): Promise<RequestTrackerSandbox> => {
  const local = localRt()
  if (!local.ok) throw new Error(`Request Tracker is not available: ${local.reason}`)
  const { rt } = local
  let sandbox: Sandbox | undefined
  const receiver = await startScripReceiver(rt, () => sandbox!.webhookUrl)
  try {
    sandbox = await startSandbox({
      ...options,
      product: {
        url: rt.url,
        configurationType: 'requestTracker',
        configuration: {
          requestTrackerUrl: rt.url,
          authToken: rt.token,
          queue: rt.queue,
          webhookSecret: rt.webhookSecret,
          requestTimeoutMs: 10000,
          historyLimit: 100,
        },
      },
    })
  } catch (error) {
    receiver.close()
    throw error
  }
  const started = sandbox
  return {
    ...started,
    rt,
    close: async () => {
      await new Promise<void>((resolve) => receiver.close(() => resolve()))
      await started.close()
    },
  }
}

/** What `npm start` prints for Request Tracker: where to chat, where agents log in, and with what. */
export const describeRequestTrackerSandbox = (sandbox: RequestTrackerSandbox): string[] => [
  `  End-user chat:     ${sandbox.chatUrl}`,
  `  Request Tracker:   ${sandbox.rt.url}/  (agent login: ${sandbox.rt.agent.login} / ${sandbox.rt.agent.password}, queue ${sandbox.rt.queue})`,
  `  RT's scrip posts:  ${sandbox.rt.webhookUrl} → ${sandbox.webhookUrl}`,
  '  In the chat, type /human to open a ticket; in RT, take it, reply, then resolve it.',
]
