import { Client } from '@botpress/client'
import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PortInUseError } from '../../sandbox/listen'
import type { ChatSessionView } from '../../sandbox/plugin/hitl-plugin'
import { MAX_CHAT_BODY } from '../../sandbox/web-server'
import { startSandbox, type Sandbox } from '../../sandbox/start-sandbox'

/* A whole handoff over real HTTP on loopback: the chat API, the integration's SDK server, the reference helpdesk. */

let sandbox: Sandbox
const hops: string[] = []

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    integrationPort: 0,
    helpdeskPort: 0,
    botpressApiPort: 0,
    hop: (hop, detail) => hops.push(`${hop} ${detail}`),
  })
})
afterAll(() => sandbox?.close())

const chatBase = () => sandbox.chatUrl.replace(/\/chat$/, '')
const say = async (session: string, body: Record<string, unknown>): Promise<ChatSessionView> => {
  const res = await fetch(`${chatBase()}/chat/api/sessions/${session}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as ChatSessionView
}
const transcript = async (session: string) =>
  (await (await fetch(`${chatBase()}/chat/api/sessions/${session}`)).json()) as ChatSessionView

const consoleBase = () => sandbox.agentConsoleUrl!.replace(/\/agent$/, '')
type TicketSummary = { id: string; status: string; title: string }
type TicketDetail = {
  id: string
  status: string
  session?: Record<string, unknown>
  history: Array<{ type: string; text: string; author: { type: string } }>
  messages: Array<{ type: string; text: string; payload: Record<string, unknown>; origin: string }>
}
const agentApi = async <T>(path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${consoleBase()}/agent${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  expect(res.status).toBeLessThan(300)
  return (await res.json()) as T
}
const ticketOf = async (title: string) => {
  const { tickets } = await agentApi<{ tickets: TicketSummary[] }>('/tickets')
  const summary = tickets.find((t) => t.title === title)
  expect(summary).toBeDefined()
  return (await agentApi<{ ticket: TicketDetail }>(`/tickets/${summary!.id}`)).ticket
}

const eventually = async <T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> => {
  const deadline = Date.now() + 5000
  for (;;) {
    const value = await probe()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 800)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const agent = { id: 'agent_grace', name: 'Grace Hopper' }

describe('sandbox end to end', () => {
  it('runs a whole session closed by the agent: history, every message type both ways, assignment', async () => {
    const s = 'session_one_123'
    await say(s, { text: 'My parcel never arrived' })
    const waiting = await say(s, { text: '/human' })
    expect(waiting.status).toBe('waiting')

    const ticket = await ticketOf(`Sandbox chat ${s.slice(0, 6)}`)
    expect(ticket.status).toBe('open')
    expect(ticket.session).toMatchObject({ priority: 'normal', tags: ['sandbox'] })
    expect(ticket.history.map((h) => h.text)).toEqual([
      'Hi! I am the sandbox bot. Type /human (or press "Talk to a human") to reach an agent.',
      'My parcel never arrived',
      'You said "My parcel never arrived". Type /human to talk to a human agent.',
    ])
    expect(ticket.history.map((h) => h.author.type)).toEqual(['bot', 'user', 'bot'])

    const endUserMessages = [
      { type: 'text', payload: { text: 'Order 42' } },
      { type: 'image', payload: { imageUrl: 'https://img.test/label.png' } },
      { type: 'audio', payload: { audioUrl: 'https://img.test/note.mp3' } },
      { type: 'video', payload: { videoUrl: 'https://img.test/box.mp4' } },
      { type: 'file', payload: { fileUrl: 'https://img.test/receipt.pdf', title: 'Receipt' } },
      { type: 'bloc', payload: { items: [{ type: 'text', payload: { text: 'Both:' } }, { type: 'image', payload: { imageUrl: 'https://img.test/2.png' } }] } },
    ]
    for (const message of endUserMessages) await say(s, message)
    const relayed = await eventually(
      () => ticketOf(`Sandbox chat ${s.slice(0, 6)}`),
      (t) => t.messages.filter((m) => m.origin === 'integration').length === endUserMessages.length,
      'the end-user messages in the helpdesk'
    )
    expect(relayed.messages.filter((m) => m.origin === 'integration').map((m) => m.type)).toEqual(
      endUserMessages.map((m) => m.type)
    )
    expect(relayed.messages.find((m) => m.type === 'file')?.text).toBe('Receipt (file: https://img.test/receipt.pdf)')

    await agentApi(`/tickets/${ticket.id}/assign`, { agent })
    await eventually(() => transcript(s), (t) => t.status === 'agent', 'the assignment in the chat')
    const agentMessages = [
      { type: 'text', payload: { text: 'Hi, I am Grace. Let me check.' } },
      { type: 'image', payload: { imageUrl: 'https://img.test/map.png', title: 'Where it is' } },
      { type: 'audio', payload: { audioUrl: 'https://img.test/hello.mp3' } },
      { type: 'video', payload: { videoUrl: 'https://img.test/how-to.mp4' } },
      { type: 'file', payload: { fileUrl: 'https://img.test/label.pdf', title: 'Return label' } },
      { type: 'bloc', payload: { items: [{ type: 'text', payload: { text: 'Steps:' } }] } },
    ]
    for (const message of agentMessages) await agentApi(`/tickets/${ticket.id}/reply`, { agent, ...message })
    const chat = await eventually(
      () => transcript(s),
      (t) => t.lines.filter((l) => l.from === 'agent').length === agentMessages.length,
      'the agent messages in the chat'
    )
    expect(chat.lines.filter((l) => l.from === 'agent').map((l) => [l.author, l.type])).toEqual(
      agentMessages.map((m) => ['Grace Hopper', m.type])
    )
    expect(chat.lines.filter((l) => l.text === 'A human agent has joined: Grace Hopper')).toHaveLength(1)

    await agentApi(`/tickets/${ticket.id}/close`, { reason: 'solved' })
    const closed = await eventually(() => transcript(s), (t) => t.status === 'bot', 'the close in the chat')
    expect(closed.lines.at(-1)?.text).toBe('The agent closed the conversation. You are back with the bot.')
    // the close reason, as the agent's last words
    expect(closed.lines.at(-2)).toMatchObject({ from: 'agent', author: 'Grace Hopper', text: 'solved' })
    const after = await say(s, { text: 'thanks' })
    expect(after.lines.at(-1)?.from).toBe('bot')

    const api = sandbox.botpressApi.store
    expect(api.events().map((e) => e.type)).toEqual(['hitlAssigned', 'hitlStopped'])
    expect(hops.some((h) => h.startsWith('integration → helpdesk POST /conversations →'))).toBe(true)
    expect(hops.some((h) => /^helpdesk → integration message\.created evt_\w+ on tkt_\w+$/.test(h))).toBe(true)

    // causal order: the assignment arrives, then the announcement it causes, then what the end user sees
    const at = (pattern: RegExp) => hops.findIndex((h) => pattern.test(h))
    const arrived = at(/^helpdesk → integration agent\.assigned /)
    const announced = at(/^integration → plugin hitlAssigned Grace Hopper$/)
    const shown = at(/^plugin → end user text "A human agent has joined: Grace Hopper"$/)
    expect(arrived).toBeGreaterThanOrEqual(0)
    expect(announced).toBeGreaterThan(arrived)
    expect(shown).toBeGreaterThan(announced)
    expect(hops).toContain('plugin → integration action startHitl with 3 messages of history')
  })

  it('runs a second session closed by the end user with /end', async () => {
    const s = 'session_two_456'
    await say(s, { text: '/human' })
    const ticket = await ticketOf(`Sandbox chat ${s.slice(0, 6)}`)
    await agentApi(`/tickets/${ticket.id}/reply`, { agent, text: 'Hello again' })
    await eventually(() => transcript(s), (t) => t.status === 'agent', 'the agent joining')
    const ended = await say(s, { text: '/end' })
    expect(ended.status).toBe('bot')
    expect(ended.lines.at(-1)?.text).toBe('You ended the conversation with the agent. You are back with the bot.')
    const closedTicket = await eventually(() => ticketOf(`Sandbox chat ${s.slice(0, 6)}`), (t) => t.status === 'closed', 'the ticket closed')
    expect(closedTicket.status).toBe('closed')
    const late = await fetch(`${consoleBase()}/agent/tickets/${ticket.id}/reply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent, text: 'one more thing' }),
    })
    expect(late.status).toBeGreaterThanOrEqual(400)
    expect((await transcript(s)).lines.filter((l) => l.text === 'one more thing')).toHaveLength(0)
  })

  it('tells the end user what /human and /end do in each state, and forwards neither to the agent', async () => {
    const s = 'session_commands_789'
    const ended = await say(s, { text: '/end' })
    expect(ended.status).toBe('bot')
    expect(ended.lines.at(-1)?.text).toMatch(/^You are talking with the bot: there is no agent conversation to end/)

    await say(s, { text: '/human' })
    const again = await say(s, { text: '/human' })
    expect(again.status).toBe('waiting')
    expect(again.lines.at(-1)?.text).toMatch(/^You are already waiting for an agent/)

    const ticket = await ticketOf(`Sandbox chat ${s.slice(0, 6)}`)
    await agentApi(`/tickets/${ticket.id}/assign`, { agent })
    await eventually(() => transcript(s), (t) => t.status === 'agent', 'the assignment in the chat')
    const withAgent = await say(s, { text: '/human' })
    expect(withAgent.lines.at(-1)?.text).toMatch(/^You are already talking with Grace Hopper/)
    await say(s, { text: 'a real message' })
    const seen = await eventually(
      () => ticketOf(`Sandbox chat ${s.slice(0, 6)}`),
      (t) => t.messages.some((m) => m.text === 'a real message'),
      'the real message in the helpdesk'
    )
    expect(seen.messages.filter((m) => m.text.includes('/human'))).toEqual([])

    const left = await say(s, { text: '/end' })
    expect(left.lines.at(-1)?.text).toBe('You ended the conversation with the agent. You are back with the bot.')
  })

  it('shows the close reason to the end user when hitlStopped carries one', async () => {
    const s = 'session_reason_987'
    await say(s, { text: '/human' })
    const conversationId = sandbox.plugin.downstreamConversationId(s)!
    const client = new Client({ apiUrl: sandbox.botpressApi.url, botId: 'bot_sandbox', token: 'test' })
    await client.createEvent({ type: 'hitlStopped', conversationId, payload: { conversationId, reason: 'parcel found' } })
    const closed = await eventually(() => transcript(s), (t) => t.status === 'bot', 'the close in the chat')
    expect(closed.lines.at(-1)?.text).toBe('The agent closed the conversation (parcel found). You are back with the bot.')
  })

  it('says the end user left the queue when no agent had joined', async () => {
    const s = 'session_queue_321'
    await say(s, { text: '/human' })
    const left = await say(s, { text: '/end' })
    expect(left.status).toBe('bot')
    expect(left.lines.at(-1)?.text).toBe('You left the queue before an agent joined. You are back with the bot.')
  })

  it('refuses a message over the contract\'s 1 MiB before sending it, whatever its size', async () => {
    const s = 'session_sizes_654'
    await say(s, { text: '/human' })
    const failures: string[] = []
    for (const size of [700_000, 1_200_000]) {
      const after = await say(s, { text: 'x'.repeat(size) })
      failures.push(after.lines.at(-1)!.text.replace(/tkt_\w+/, 'tkt_…'))
    }
    for (const failure of failures) {
      expect(failure).toMatch(
        /^Your message could not be delivered: .*was not sent: its body is \d+ KiB, over the 1024 KiB the hitl contract allows a request/
      )
    }
  })

  it('answers the chat API 400 for a body that is not JSON or not a message, 413 for one over its limit', async () => {
    const post = (body: string | Buffer) =>
      fetch(`${chatBase()}/chat/api/sessions/session_bad_body/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    const notJson = await post('{"text": "unterminated')
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toEqual({ error: 'The body is not JSON' })
    expect((await post('{"nothing": 1}')).status).toBe(400)
    const tooLarge = await post(Buffer.alloc(MAX_CHAT_BODY + 1, 'x'))
    expect(tooLarge.status).toBe(413)
    expect((await transcript('session_bad_body')).lines.filter((l) => l.from === 'user')).toEqual([])
  })

  it('serves the integration on 127.0.0.1 only', async () => {
    const port = new URL(sandbox.integrationUrl).port
    expect(new URL(sandbox.integrationUrl).hostname).toBe('127.0.0.1')
    expect((await fetch(`${sandbox.integrationUrl}/health`)).status).toBe(200)
    // [::1] is reachable on this machine (a server on all interfaces answers there), but not the integration
    const everywhere = createServer((_req, res) => res.end('ok'))
    await new Promise<void>((resolve) => everywhere.listen(0, '::', resolve))
    const open = (everywhere.address() as { port: number }).port
    try {
      expect((await fetch(`http://[::1]:${open}/`)).status).toBe(200)
    } finally {
      everywhere.close()
    }
    await expect(fetch(`http://[::1]:${port}/health`)).rejects.toThrow()
  })

  // last: a second sandbox points BP_API_URL (process-wide) at its own Botpress API before it fails
  it('names the port and what wanted it when a port is taken', async () => {
    const taken = new URL(sandbox.chatUrl).port
    const clash = startSandbox({ port: Number(taken), integrationPort: 0, helpdeskPort: 0, botpressApiPort: 0, hop: () => {} })
    await expect(clash).rejects.toBeInstanceOf(PortInUseError)
    await expect(clash).rejects.toThrow(`Port ${taken} (the chat page and webhook URL) is already in use on 127.0.0.1`)
  })
})
