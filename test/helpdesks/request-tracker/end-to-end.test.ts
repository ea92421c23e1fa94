import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { botOf, useWorld } from '../../harness/botpress'
import { useSkippedWaits } from '../../harness/clock'
import { invoke, ofType, register, relayMessage, runAction, type TestConfig } from '../../harness/integration'
import { logged } from '../../harness/logs'
import { referenceFor } from '../../../contract/reference'
import { contentsOf, localRt, restAs, transactionsOf, type LocalRt, type Rest } from './local-rt'

/*
 * A whole handoff against the real Request Tracker 5 on loopback: the integration through integration.handler with
 * the requestTracker configuration type, RT's REST2 API, and RT's hitl scrip posting back to a loopback receiver that
 * forwards to integration.handler as Botpress Cloud would.
 */

const local = localRt()

if (!local.ok) {
  describe('Request Tracker end to end', () => {
    it.skip(`skipped: ${local.reason}`, () => {})
  })
} else {
  const rt: LocalRt = local.rt
  const world = useWorld()
  // the integration's backoff waits (an unreachable URL at register) take no time; RT and its scrip stay real
  useSkippedWaits()
  const api: Rest = restAs(rt, 'token')
  const agent: Rest = restAs(rt, 'agent')
  const run = Date.now().toString(36)
  const config: TestConfig = ofType('requestTracker', {
    requestTrackerUrl: rt.url,
    authToken: rt.token,
    queue: rt.queue,
    webhookSecret: rt.webhookSecret,
    requestTimeoutMs: 5000,
  })

  /** What RT's scrip posted, and what the integration answered. */
  const posts: Array<{ headers: Record<string, string>; body: string; status: number; answer: string }> = []
  let receiver: Server
  /** How many of the next posts the receiver answers 503 without passing them on, as an unavailable Botpress would. */
  let failNext = 0

  beforeAll(async () => {
    const alive = await api('GET', '/rt').then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error))
    )
    if (alive) throw new Error(`Request Tracker at ${rt.url} does not answer (${alive}): run scripts/ensure-request-tracker.sh as root`)
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8')
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')])
        )
        if (failNext > 0) {
          failNext--
          posts.push({ headers, body, status: 503, answer: '' })
          res.writeHead(503, { 'retry-after': '1' }).end()
          return
        }
        const answer = await invoke('webhook_received', { req: { method: req.method, path: '/', query: '', headers, body } }, config)
        posts.push({ headers, body, status: answer.status ?? 200, answer: answer.body ?? '' })
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers })
        res.end(answer.body ?? '')
      })
    })
    await new Promise<void>((resolve, reject) => {
      receiver.once('error', (error) =>
        reject(new Error(`cannot listen on ${rt.webhookUrl}, where RT's scrip posts (is the sandbox running?): ${error.message}`))
      )
      receiver.listen(rt.webhookPort, '127.0.0.1', resolve)
    })
  })
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())))

  const bot = () => botOf(world.api)
  const history = [
    { source: { type: 'bot' }, type: 'text', payload: { text: 'Hi, how can I help?' } },
    { source: { type: 'user', userId: 'user_x' }, type: 'text', payload: { text: `My parcel ${run} never arrived` } },
    { source: { type: 'user', userId: 'user_x' }, type: 'image', payload: { imageUrl: 'https://x.test/label.png', title: 'Label' } },
    { source: { type: 'bot' }, type: 'choice', payload: { text: 'Pick one', options: [{ label: 'Refund', value: 'r' }] } },
  ]

  const startHandoff = async (email: string, title: string) => {
    const created = await runAction<{ userId: string }>('createUser', { name: 'Ada Lovelace', email }, config)
    expect(created).toMatchObject({ status: 200 })
    const userId = created.output!.userId
    const started = await runAction<{ conversationId: string }>(
      'startHitl',
      {
        userId,
        title,
        description: 'Parcel 42 is late',
        hitlSession: { priority: 'high', tags: ['parcel'], customFields: { order: '42' } },
        messageHistory: history,
      },
      config
    )
    expect(started).toMatchObject({ status: 200 })
    const conversation = bot().conversations.find((c) => c.id === started.output!.conversationId)!
    return { userId, conversation, ticketId: conversation.tags.id! }
  }

  // RT answers a REST2 call in tens of milliseconds, but a worker's first calls load much of RT: room for a cold start.
  describe('Request Tracker end to end', { timeout: 60_000 }, () => {
    it('registers: the token, the queue, its rights and the marker field are checked', async () => {
      expect((await register(config)).status).toBe(200)
      expect(logged()).toContainEqual(expect.stringContaining(`Connected to Request Tracker at ${rt.url} (queue ${rt.queue})`))
      const refusal = async (changes: Record<string, unknown>) => {
        const res = await register({ ...config, ...changes } as TestConfig)
        expect(res.status).toBeGreaterThanOrEqual(400)
        return (JSON.parse(res.body!) as { message: string }).message
      }
      expect(await refusal({ queue: `no-such-queue-${run}` })).toContain(`no queue "no-such-queue-${run}" that the token's user can see`)
      expect(await refusal({ authToken: `${rt.token}x` })).toContain('Request Tracker refused the auth token')
      expect(await refusal({ requestTrackerUrl: 'http://127.0.0.1:9' })).toContain('Could not reach http://127.0.0.1:9')
    })

    it('runs a whole handoff closed by the agent', async () => {
      const email = `ada-${run}@example.com`
      const { userId, conversation, ticketId } = await startHandoff(email, `Late parcel ${run}`)

      // the end user is an unprivileged RT user; createUser again for the same email finds it
      expect(bot().users.find((u) => u.id === userId)!.tags.id).toBe(email)
      const again = await runAction<{ userId: string }>('createUser', { name: 'Ada Lovelace', email }, config)
      expect(bot().users.find((u) => u.id === again.output!.userId)!.tags.id).toBe(email)
      const rtUser = await api<{ Privileged: number | string; RealName: string }>('GET', `/user/${encodeURIComponent(email)}`)
      expect(rtUser).toMatchObject({ RealName: 'Ada Lovelace' })
      expect(String(rtUser.Privileged)).toBe('0')

      // the ticket: queue, requestor, subject, priority, marker; its first content holds the history
      const ticket = await api<Record<string, unknown>>('GET', `/ticket/${ticketId}`)
      expect(ticket).toMatchObject({ Subject: `Late parcel ${run}`, Status: 'new', Priority: '100' })
      expect(JSON.stringify(ticket.Requestor)).toContain(email)
      const [create] = await transactionsOf(api, ticketId)
      expect(create!.Type).toBe('Create')
      const [content] = await contentsOf(api, [create!.id])
      expect(content).toContain('Parcel 42 is late')
      expect(content).toContain('- Priority: high')
      expect(content).toContain('- order: 42')
      expect(content).toMatch(/1\. Bot:\n {4}Hi, how can I help\?/)
      expect(content).toContain(`2. End user (${email}):\n    My parcel ${run} never arrived`)
      expect(content).toContain('Label (image: https://x.test/label.png)')
      expect(content).toContain('Options: Refund')
      expect(content).toContain(`Botpress conversation: ${conversation.id}`)

      // end-user messages of every type arrive as correspondence, attributed to the end user; none echoes back
      const relayed = [
        { type: 'text', payload: { text: 'Any news?' } },
        { type: 'image', payload: { imageUrl: 'https://x.test/box.png', title: 'Box' } },
        { type: 'audio', payload: { audioUrl: 'https://x.test/note.mp3' } },
        { type: 'video', payload: { videoUrl: 'https://x.test/door.mp4' } },
        { type: 'file', payload: { fileUrl: 'https://x.test/receipt.pdf', title: 'Receipt' } },
        { type: 'bloc', payload: { items: [{ type: 'text', payload: { text: 'Here:' } }, { type: 'image', payload: { imageUrl: 'https://x.test/b.png' } }] } },
      ]
      for (const [index, message] of relayed.entries()) {
        const res = await relayMessage({
          type: message.type,
          payload: { ...message.payload, userId },
          conversation: { id: conversation.id, tags: conversation.tags },
          messageId: `msg_${run}_${index}`,
          configuration: config,
        })
        expect(res.status).toBe(200)
      }
      // Botpress retrying one relay leaves one correspondence
      const retried = await relayMessage({
        type: 'text',
        payload: { text: 'Any news?', userId },
        conversation: { id: conversation.id, tags: conversation.tags },
        messageId: `msg_${run}_0`,
        configuration: config,
      })
      expect(retried.status).toBe(200)
      const correspondence = (await transactionsOf(api, ticketId)).filter((t) => t.Type === 'Correspond')
      expect(correspondence).toHaveLength(relayed.length)
      expect(correspondence.every((t) => t.Creator.id === rt.apiUser)).toBe(true)
      const texts = await contentsOf(api, correspondence.map((t) => t.id))
      expect(texts[0]).toBe('The end user wrote (via Botpress):\n\nAny news?')
      expect(texts.slice(1).join('\n')).toContain('Box (image: https://x.test/box.png)')
      for (const url of ['note.mp3', 'door.mp4', 'receipt.pdf', 'b.png']) expect(texts.join('\n')).toContain(url)
      expect(posts).toHaveLength(0)

      // the agent takes the ticket: hitlAssigned with that agent, once
      await agent('PUT', `/ticket/${ticketId}/take`)
      expect(posts.map((p) => [p.status, JSON.parse(p.body).type])).toEqual([[200, 'agent.assigned']])
      const agentUser = bot().users.find((u) => u.tags.agentId === rt.agent.id)!
      expect(agentUser).toMatchObject({ name: rt.agent.name })
      const assigned = bot().events.filter((e) => e.type === 'hitlAssigned')
      expect(assigned).toEqual([
        expect.objectContaining({ payload: { conversationId: conversation.id, userId: agentUser.id } }),
      ])

      // the agent replies in RT: the reply reaches the Botpress conversation once, under the agent's user
      await agent('POST', `/ticket/${ticketId}/correspond`, { Content: `On it, ${run}!`, ContentType: 'text/plain' })
      const agentMessages = () => bot().messages.filter((m) => m.conversationId === conversation.id && m.userId === agentUser.id)
      expect(agentMessages().map((m) => m.payload)).toEqual([{ text: `On it, ${run}!` }])

      // a redelivered scrip post creates nothing new
      const delivered = posts.find((p) => JSON.parse(p.body).type === 'message.created')!
      expect(delivered.headers['webhook-id']).toMatch(/^rt-.+-txn-\d+$/)
      const redelivered = await invoke(
        'webhook_received',
        { req: { method: 'POST', path: '/', query: '', headers: delivered.headers, body: delivered.body } },
        config
      )
      expect(redelivered.status).toBe(200)
      expect(JSON.parse(redelivered.body!)).toEqual({ ok: true, duplicate: true })
      expect(agentMessages()).toHaveLength(1)

      // the agent resolves the ticket: hitlStopped
      await agent('PUT', `/ticket/${ticketId}`, { Status: 'resolved' })
      expect(bot().events.filter((e) => e.type === 'hitlStopped')).toEqual([
        expect.objectContaining({ payload: { conversationId: conversation.id } }),
      ])
      // an event that finds the conversation's announcement turn still held (a close within a second of the
      // assignment) is answered 503 in_progress, and the scrip's retry delivers it
      expect(posts.filter((p) => p.status === 200).map((p) => JSON.parse(p.body).type)).toEqual([
        'agent.assigned',
        'message.created',
        'conversation.closed',
      ])
      for (const held of posts.filter((p) => p.status !== 200)) {
        expect([held.status, (JSON.parse(held.answer) as { error: { code: string } }).error.code]).toEqual([503, 'in_progress'])
      }
      // every event echoes the conversation's reference, as the integration would have issued it
      const reference = referenceFor(rt.webhookSecret, conversation.id)
      expect(posts.map((p) => (JSON.parse(p.body) as { reference?: string }).reference)).toEqual(posts.map(() => reference))
    })

    it('the scrip retries a failed delivery, and keeps one that failed every attempt for the ticket\'s next update', async () => {
      const { conversation, ticketId } = await startHandoff(`retry-${run}@example.com`, `Retried ${run}`)
      posts.length = 0
      const reply = (text: string) => agent('POST', `/ticket/${ticketId}/correspond`, { Content: text, ContentType: 'text/plain' })
      const texts = () =>
        bot()
          .messages.filter((m) => m.conversationId === conversation.id)
          .map((m) => (m.payload as { text?: string }).text)

      failNext = 1
      await reply('first')
      expect(posts.map((p) => p.status)).toEqual([503, 200])
      expect(posts[0]!.headers['webhook-id']).toBe(posts[1]!.headers['webhook-id'])
      expect(texts()).toEqual(['first'])

      failNext = 3
      await reply('second')
      expect(texts()).toEqual(['first'])
      await reply('third')
      expect(texts()).toEqual(['first', 'second', 'third'])
      expect(posts.map((p) => p.status)).toEqual([503, 200, 503, 503, 503, 200, 200])
    })

    it('an owner set in the Owner field is one assignment; stopHitl resolves the ticket and RT posts nothing back for it', async () => {
      const { conversation, ticketId } = await startHandoff(`grace-${run}@example.com`, `Stopped by the bot ${run}`)
      posts.length = 0
      // RT records this change twice (Set Owner and SetWatcher): one event
      await agent('PUT', `/ticket/${ticketId}`, { Owner: rt.agent.login })
      expect(posts.map((p) => [p.status, JSON.parse(p.body).type])).toEqual([[200, 'agent.assigned']])
      expect(bot().events.filter((e) => e.type === 'hitlAssigned' && e.payload.conversationId === conversation.id)).toHaveLength(1)

      const before = posts.length
      expect(await runAction('stopHitl', { conversationId: conversation.id }, config)).toMatchObject({ status: 200 })
      expect(await api('GET', `/ticket/${ticketId}`)).toMatchObject({ Status: 'resolved' })
      expect(posts.length).toBe(before)
    })
  })
}
