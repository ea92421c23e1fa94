import { Client } from '@botpress/client'
import { IntegrationSpecificClient } from '@botpress/sdk'
import { describe, expect, it } from 'vitest'
import type { MessageCreatedEvent } from '../contract/webhook-events'
import type { Helpdesk } from '../src/helpdesks/helpdesk'
import type * as bp from '../src/bp'
import { catchUp, onceMoreIfInProgress } from '../src/webhook/catch-up'
import { inProgress, processed, refuse } from '../src/webhook/answers'
import { botOf, operations, useWorld } from './harness/botpress'
import { BOT_ID } from './harness/integration'

const world = useWorld()
const raw = () => new Client({ apiUrl: world.api.url, botId: BOT_ID, integrationId: 'int_hitl' })
/** The client the integration's handlers get: the SDK's wrapper around @botpress/client. */
const client = (): bp.Client => new IntegrationSpecificClient(raw()) as unknown as bp.Client
const bot = () => botOf(world.api)

const reply = (id: number): MessageCreatedEvent => ({
  type: 'message.created',
  id: `message-${id}`,
  conversationId: 'hd_1',
  agent: { id: 'agent_1', name: 'Alice' },
  message: { id: String(id), type: 'text', payload: { text: `reply ${id}` } },
})

/** A helpdesk that never retries, whose agent messages after a cursor are `replies`; records the cursors asked for. */
const neverRetrying = (replies: MessageCreatedEvent[]) => {
  const asked: Array<string | undefined> = []
  const helpdesk = {
    agentMessagesSince: async (_ticketId: string, after: string | undefined) => {
      asked.push(after)
      const from = after === undefined ? 0 : replies.findIndex((r) => r.message.id === after) + 1
      return replies.slice(from)
    },
  } as unknown as Helpdesk
  return { helpdesk, asked }
}

const openConversation = async (tags: Record<string, string> = { id: 'hd_1' }) => {
  const { conversation } = await raw().createConversation({ channel: 'hitl', tags })
  world.api.resetCalls()
  return conversation
}

describe('catching up on a helpdesk that never retries', () => {
  it('relays the agent messages after the last one relayed, in order, and remembers the last', async () => {
    const conversation = await openConversation()
    const { helpdesk, asked } = neverRetrying([reply(1), reply(2)])
    expect([...(await catchUp(client(), helpdesk, 'hd_1'))]).toEqual(['1', '2'])
    expect(bot().messages.map((m) => m.payload)).toEqual([{ text: 'reply 1' }, { text: 'reply 2' }])
    expect(bot().conversations.find((c) => c.id === conversation.id)!.tags.lastAgentMessage).toBe('2')
    expect([...(await catchUp(client(), helpdesk, 'hd_1'))]).toEqual([])
    expect(asked).toEqual([undefined, '2'])
    expect(bot().messages).toHaveLength(2)
  })

  it('stops starting new messages past its time budget; the next webhook relays the rest', async () => {
    await openConversation()
    const { helpdesk } = neverRetrying([1, 2, 3, 4, 5].map(reply))
    let now = 0
    const clock = { now: () => (now += 1000), budgetMs: 3000 }
    expect([...(await catchUp(client(), helpdesk, 'hd_1', clock))]).toEqual(['1', '2', '3'])
    expect([...(await catchUp(client(), helpdesk, 'hd_1'))]).toEqual(['4', '5'])
    expect(bot().messages.map((m) => (m.payload as { text: string }).text)).toEqual([1, 2, 3, 4, 5].map((i) => `reply ${i}`))
  })

  it('announces the agent assigned now only when it is not the one announced last', async () => {
    const conversation = await openConversation({ id: 'hd_1', agentId: 'agent_1' })
    const assigned = (agentId: string) =>
      ({ type: 'agent.assigned', id: `now-${agentId}`, conversationId: 'hd_1', agent: { id: agentId, name: agentId } }) as const
    const sameAgent = { agentMessagesSince: async () => [assigned('agent_1')] } as unknown as Helpdesk
    expect([...(await catchUp(client(), sameAgent, 'hd_1'))]).toEqual([])
    expect(operations(world.api)).toEqual(['listConversations'])
    const otherAgent = { agentMessagesSince: async () => [assigned('agent_2'), reply(1)] } as unknown as Helpdesk
    expect([...(await catchUp(client(), otherAgent, 'hd_1'))]).toEqual(['agent.assigned:agent_2', '1'])
    expect(bot().events.filter((e) => e.type === 'hitlAssigned')).toHaveLength(1)
    expect(bot().conversations.find((c) => c.id === conversation.id)!.tags).toMatchObject({ agentId: 'agent_2', lastAgentMessage: '1' })
  })

  it('does nothing for a closed or unknown conversation, and costs nothing for a helpdesk that retries', async () => {
    await openConversation({ id: 'hd_1', closed: 'true' })
    const { helpdesk, asked } = neverRetrying([reply(1)])
    expect([...(await catchUp(client(), helpdesk, 'hd_1'))]).toEqual([])
    expect([...(await catchUp(client(), helpdesk, 'hd_unknown'))]).toEqual([])
    expect(asked).toEqual([])
    world.api.resetCalls()
    expect([...(await catchUp(client(), {} as Helpdesk, 'hd_1'))]).toEqual([])
    expect(operations(world.api)).toEqual([])
    expect(bot().messages).toEqual([])
  })
})

describe('the retry a helpdesk that never retries does not make', () => {
  it('tries an event answered "in progress" once more after the delay given, and nothing else', async () => {
    const waits: number[] = []
    const wait = async (ms: number) => void waits.push(ms)
    const answers = [inProgress('hd_1', 1), processed()]
    expect(await onceMoreIfInProgress(async () => answers.shift()!, wait)).toEqual(processed())
    expect(waits).toEqual([1000])
    const busy = [inProgress('hd_1', 1), inProgress('hd_1', 1)]
    expect((await onceMoreIfInProgress(async () => busy.shift()!, wait)).status).toBe(503)
    const refused = [refuse(409, 'conversation_closed', 'closed')]
    expect((await onceMoreIfInProgress(async () => refused.shift()!, wait)).status).toBe(409)
    expect(waits).toEqual([1000, 1000])
  })
})
