/*
 * Plays the part of the Botpress hitl plugin (and of a tiny bot) for the sandbox: an end user chats with the bot,
 * escalates with /human, is relayed to the helpdesk through the integration's actions and `hitl` channel, sees the
 * agent's messages, assignment and closing, and ends the session with /end.
 */
import { Client } from '@botpress/client'
import { EventEmitter } from 'node:events'
import type { BotpressApiServer } from '../botpress-api'
import type { HistoryMessageType, MessagePayload } from '../../contract/messages'
import { renderText } from '../../src/helpdesk/render-text'
import type { IntegrationCaller } from '../cloud/integration-caller'
import { count, quote, type HopLog } from '../hop-log'

export type LineFrom = 'user' | 'bot' | 'agent' | 'system'
export type ChatLine = {
  id: number
  from: LineFrom
  author: string
  type: string
  payload: Record<string, unknown>
  text: string
  at: string
}
export type ChatStatus = 'bot' | 'waiting' | 'agent'
export type ChatSessionView = { id: string; status: ChatStatus; agentName?: string; lines: ChatLine[] }

type ChatSession = ChatSessionView & { downstreamUserId?: string; downstreamConversationId?: string }
type OutgoingMessage = { type: string; payload: Record<string, unknown> }

const ESCALATE = '/human'
const CLOSE = '/end'

const asText = (message: OutgoingMessage) => {
  try {
    return renderText(message.type as HistoryMessageType, message.payload as MessagePayload<HistoryMessageType>)
  } catch {
    return `[${message.type}]`
  }
}

export type HitlPluginOptions = { api: BotpressApiServer; botId: string; caller: IntegrationCaller; hop: HopLog }

export const createHitlPlugin = ({ api, botId, caller, hop }: HitlPluginOptions) => {
  const client = new Client({ apiUrl: api.url, botId, token: 'sandbox' })
  const sessions = new Map<string, ChatSession>()
  const changes = new EventEmitter()
  let nextLine = 1

  const view = (s: ChatSession): ChatSessionView => ({ id: s.id, status: s.status, agentName: s.agentName, lines: [...s.lines] })

  const say = (session: ChatSession, from: LineFrom, author: string, message: OutgoingMessage): ChatLine => {
    const line = { id: nextLine++, from, author, ...message, text: asText(message), at: new Date().toISOString() }
    session.lines.push(line)
    if (from !== 'user') hop('plugin → end user', `${from === 'agent' ? `${author}: ` : ''}${message.type} ${quote(line.text)}`)
    changes.emit(session.id, view(session))
    return line
  }
  const system = (session: ChatSession, text: string) => say(session, 'system', 'System', { type: 'text', payload: { text } })
  const setStatus = (session: ChatSession, status: ChatStatus, agentName?: string) => {
    session.status = status
    session.agentName = agentName
    changes.emit(session.id, view(session))
  }

  const sessionOf = (id: string): ChatSession => {
    let session = sessions.get(id)
    if (!session) {
      session = { id, status: 'bot', lines: [] }
      sessions.set(id, session)
      say(session, 'bot', 'Bot', {
        type: 'text',
        payload: { text: `Hi! I am the sandbox bot. Type ${ESCALATE} (or press "Talk to a human") to reach an agent.` },
      })
    }
    return session
  }
  const byDownstream = (conversationId: string) =>
    [...sessions.values()].find((s) => s.downstreamConversationId === conversationId)

  const history = (session: ChatSession) =>
    session.lines
      .filter((l) => l.from === 'user' || l.from === 'bot')
      .map((l) => ({
        source: l.from === 'user' ? { type: 'user', userId: session.downstreamUserId ?? 'unknown' } : { type: 'bot' },
        type: l.type,
        payload: l.payload,
      }))

  const escalate = async (session: ChatSession) => {
    if (session.status !== 'bot') return
    setStatus(session, 'waiting')
    system(session, 'Connecting you to a human agent…')
    try {
      if (!session.downstreamUserId) {
        hop('plugin → integration', 'action createUser')
        const { userId } = await caller.action<{ userId: string }>('createUser', {
          name: `Sandbox user ${session.id.slice(0, 6)}`,
          email: `user-${session.id.slice(0, 6)}@sandbox.test`,
        })
        session.downstreamUserId = userId
      }
      const messageHistory = history(session)
      hop('plugin → integration', `action startHitl with ${count(messageHistory.length, 'message')} of history`)
      const { conversationId } = await caller.action<{ conversationId: string }>('startHitl', {
        userId: session.downstreamUserId,
        title: `Sandbox chat ${session.id.slice(0, 6)}`,
        description: [...session.lines].reverse().find((l) => l.from === 'user')?.text,
        hitlSession: { priority: 'normal', tags: ['sandbox'] },
        messageHistory,
      })
      session.downstreamConversationId = conversationId
      system(session, 'You are in the queue: an agent will answer here. Type /end to go back to the bot.')
    } catch (error) {
      setStatus(session, 'bot')
      system(session, `Could not reach a human agent: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  const stop = async (session: ChatSession) => {
    const conversationId = session.downstreamConversationId
    if (!conversationId || session.status === 'bot') {
      system(session, `You are talking with the bot: there is no agent conversation to end. Type ${ESCALATE} to reach an agent.`)
      return
    }
    const agentJoined = session.status === 'agent'
    hop('plugin → integration', 'action stopHitl')
    session.downstreamConversationId = undefined
    setStatus(session, 'bot')
    try {
      await caller.action('stopHitl', { conversationId })
      system(
        session,
        agentJoined
          ? 'You ended the conversation with the agent. You are back with the bot.'
          : 'You left the queue before an agent joined. You are back with the bot.'
      )
    } catch (error) {
      system(session, `Could not close the ticket: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  const relay = async (session: ChatSession, message: OutgoingMessage) => {
    const conversationId = session.downstreamConversationId
    const userId = session.downstreamUserId
    if (!conversationId || !userId) return
    const payload = { ...message.payload, userId }
    const { message: created } = await client.createMessage({ conversationId, userId, type: message.type, payload, tags: {} })
    const [{ conversation }, { user }] = await Promise.all([
      client.getConversation({ id: conversationId }),
      client.getUser({ id: userId }),
    ])
    hop('plugin → integration', `message_created ${message.type} on the hitl channel`)
    await caller.messageCreated({ conversation, user, message: created, type: message.type, payload })
  }

  /** What the end user typed or sent. */
  const fromEndUser = async (sessionId: string, message: OutgoingMessage): Promise<ChatSessionView> => {
    const session = sessionOf(sessionId)
    const text = message.type === 'text' ? String(message.payload.text ?? '').trim() : ''
    hop('end user → plugin', `${message.type} ${quote(asText(message))}`)
    if (text === CLOSE) {
      await stop(session)
      return view(session)
    }
    if (text === ESCALATE && session.status !== 'bot') {
      system(
        session,
        session.status === 'agent'
          ? `You are already talking with ${session.agentName ?? 'an agent'}. Type ${CLOSE} to go back to the bot.`
          : `You are already waiting for an agent. Type ${CLOSE} to leave the queue.`
      )
      return view(session)
    }
    if (session.status !== 'bot') {
      say(session, 'user', 'You', message)
      try {
        await relay(session, message)
      } catch (error) {
        system(session, `Your message could not be delivered: ${error instanceof Error ? error.message : String(error)}`)
      }
      return view(session)
    }
    if (text === ESCALATE) {
      await escalate(session)
      return view(session)
    }
    say(session, 'user', 'You', message)
    say(session, 'bot', 'Bot', {
      type: 'text',
      payload: { text: `You said ${quote(asText(message), 80)}. Type ${ESCALATE} to talk to a human agent.` },
    })
    return view(session)
  }

  const agentName = async (userId: string) => {
    try {
      return (await client.getUser({ id: userId })).user.name ?? 'Agent'
    } catch {
      return 'Agent'
    }
  }

  // The bot takes what reaches it one at a time, in the order Botpress created it: an agent's last message (a close's
  // reason) is shown before the close that follows it, though showing the message waits on a lookup of the agent.
  let queue: Promise<void> = Promise.resolve()
  const inOrder =
    <T>(handle: (item: T) => Promise<void>) =>
    (item: T): Promise<void> =>
      (queue = queue.then(() => handle(item)).catch(() => undefined))

  const offMessage = api.onMessage(inOrder(async (message) => {
    const session = byDownstream(message.conversationId)
    if (!session || message.userId === session.downstreamUserId || message.direction !== 'incoming') return
    const name = await agentName(message.userId)
    hop('integration → plugin', `agent message ${message.type} from ${name}`)
    if (session.status === 'waiting') setStatus(session, 'agent', name)
    say(session, 'agent', name, { type: message.type, payload: message.payload })
  }))

  const offEvent = api.onEvent(inOrder(async (event) => {
    const payload = event.payload as { conversationId?: string; userId?: string; reason?: unknown }
    const session = payload.conversationId ? byDownstream(payload.conversationId) : undefined
    if (!session) return
    if (event.type === 'hitlAssigned' && payload.userId) {
      const name = await agentName(payload.userId)
      hop('integration → plugin', `hitlAssigned ${name}`)
      setStatus(session, 'agent', name)
      system(session, `A human agent has joined: ${name}`)
    }
    if (event.type === 'hitlStopped') {
      hop('integration → plugin', 'hitlStopped')
      session.downstreamConversationId = undefined
      setStatus(session, 'bot')
      // hitl 2.1.0's hitlStopped has no reason; one is shown when the event carries it.
      const reason = typeof payload.reason === 'string' && payload.reason.trim() ? ` (${payload.reason.trim()})` : ''
      system(session, `The agent closed the conversation${reason}. You are back with the bot.`)
    }
  }))

  return {
    fromEndUser,
    session: (id: string) => view(sessionOf(id)),
    onChange: (sessionId: string, listener: (session: ChatSessionView) => void) => {
      changes.on(sessionId, listener)
      return () => changes.off(sessionId, listener)
    },
    downstreamConversationId: (sessionId: string) => sessions.get(sessionId)?.downstreamConversationId,
    close: () => {
      offMessage()
      offEvent()
      changes.removeAllListeners()
    },
  }
}

export type HitlPlugin = ReturnType<typeof createHitlPlugin>
