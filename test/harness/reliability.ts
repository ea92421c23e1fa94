import type { BotpressApiServer, BotSnapshot } from '../../sandbox/botpress-api'
import { BOT_ID, deliver, type WebhookAnswer } from './integration'

/* Small helpers shared by the reliability tests: event builders, store views (and the seeding of ./seed). */

export { botClient, openConversation } from './seed'

export const snapshot = (api: BotpressApiServer): BotSnapshot => api.store.bot(BOT_ID)

export type AgentFields = { id: string; name?: string; email?: string; pictureUrl?: string }

export const messageCreated = (p: {
  conversationId: string
  eventId?: string
  agent: AgentFields
  messageId: string
  type?: string
  payload?: Record<string, unknown>
}) => ({
  ...(p.eventId === undefined ? {} : { id: p.eventId }),
  type: 'message.created' as const,
  conversationId: p.conversationId,
  agent: p.agent,
  message: { id: p.messageId, type: p.type ?? 'text', payload: p.payload ?? { text: `message ${p.messageId}` } },
})

export const agentAssigned = (p: { conversationId: string; eventId?: string; agent: AgentFields }) => ({
  ...(p.eventId === undefined ? {} : { id: p.eventId }),
  type: 'agent.assigned' as const,
  conversationId: p.conversationId,
  agent: p.agent,
})

export const conversationClosed = (p: { conversationId: string; eventId?: string; reason?: string }) => ({
  ...(p.eventId === undefined ? {} : { id: p.eventId }),
  type: 'conversation.closed' as const,
  conversationId: p.conversationId,
  ...(p.reason === undefined ? {} : { reason: p.reason }),
})

export type HelpdeskEvent = ReturnType<typeof messageCreated> | ReturnType<typeof agentAssigned> | ReturnType<typeof conversationClosed>

/** A delivery as the helpdesk makes it: the event and its webhook-id, which a redelivery keeps. */
export type Delivery = { webhookId: string; event: HelpdeskEvent & { occurredAt?: string } }

export const deliverEvent = (d: Delivery): Promise<WebhookAnswer> => deliver({ body: d.event, sign: { id: d.webhookId } })

/** Announcements made to the bot, oldest first, with the agent user's name for hitlAssigned. */
export const announcements = (api: BotpressApiServer, conversationId?: string) => {
  const bot = snapshot(api)
  return bot.events
    .filter((e) => e.type === 'hitlAssigned' || e.type === 'hitlStopped')
    .filter((e) => conversationId === undefined || e.conversationId === conversationId)
    .map((e) => {
      if (e.type === 'hitlStopped') return { type: 'hitlStopped' as const, conversationId: e.conversationId }
      const userId = (e.payload as { userId?: string }).userId
      const user = bot.users.find((u) => u.id === userId)
      return { type: 'hitlAssigned' as const, conversationId: e.conversationId, userId, agentId: user?.tags.agentId }
    })
}

/** Agent messages in a conversation, by helpdesk message id (a close's reason, which has none, is not one of them). */
export const agentMessageIds = (api: BotpressApiServer, conversationId: string) =>
  snapshot(api)
    .messages.filter((m) => m.conversationId === conversationId && m.tags.id !== undefined)
    .map((m) => m.tags.id)

/** A deterministic pseudo-random source (mulberry32), so that a failing fast-check run can be replayed. */
export const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** No two consecutive hitlAssigned of a conversation name the same agent. */
export const sameAgentTwiceInARow = (list: ReturnType<typeof announcements>) =>
  list.some((a, i) => {
    const previous = list[i - 1]
    return a.type === 'hitlAssigned' && previous?.type === 'hitlAssigned' && previous.agentId === a.agentId
  })
