import type { CreateMessageRequest, HistoryEntry } from '../../../contract/helpdesk-api'
import type { TicketRequest } from '../helpdesk'

/*
 * What the agent reads in Chatwoot. The handoff opens with one message from the customer (incoming, so that Chatwoot
 * counts the conversation as waiting for an agent, and no outgoing message is sent anywhere): the title, the
 * description, the routing fields and the conversation with the bot so far, oldest first, each line naming who said
 * it. Media are links (Chatwoot makes URLs clickable), since the API creates attachments only from uploaded files.
 */

/** Chatwoot refuses longer message content; the history keeps its newest lines within this. */
export const MAX_CONTENT = 100_000
const MAX_LINE = 4_000

const PRIORITY_LABEL = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' } as const

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

const speaker = (entry: { author: CreateMessageRequest['author'] }) =>
  entry.author.type === 'user' ? 'Customer' : 'Bot'

const historyLine = (entry: HistoryEntry) => `**${speaker(entry)}:** ${clip(entry.text.trim() || `(${entry.type})`, MAX_LINE)}`

const headerOf = (request: TicketRequest): string[] => {
  const session = request.session ?? {}
  const lines: string[] = []
  if (request.title) lines.push(`**${request.title}**`)
  if (request.description) lines.push(request.description)
  const routing = [
    session.priority ? `Priority: ${PRIORITY_LABEL[session.priority]}` : undefined,
    session.queue ? `Queue: ${session.queue}` : undefined,
    session.requesterName || session.requesterEmail
      ? `Requester: ${[session.requesterName, session.requesterEmail && `<${session.requesterEmail}>`].filter(Boolean).join(' ')}`
      : undefined,
  ].filter((part): part is string => !!part)
  if (routing.length) lines.push(routing.join(' · '))
  for (const [key, value] of Object.entries(session.customFields ?? {})) lines.push(`${key}: ${value}`)
  return lines
}

/** The first message of the handoff; the oldest history lines give way when everything would not fit. */
export const openingMessage = (request: TicketRequest): string => {
  const header = headerOf(request)
  const head = header.length ? header.join('\n') : 'The customer asked to talk to a person.'
  if (request.messages.length === 0) return clip(head, MAX_CONTENT)
  const lines = request.messages.map(historyLine)
  const title = '\n\n---\n**Conversation with the bot so far**\n'
  let budget = MAX_CONTENT - head.length - title.length - 60
  let kept = 0
  for (let i = lines.length - 1; i >= 0 && budget - lines[i]!.length - 1 >= 0; i--) {
    budget -= lines[i]!.length + 1
    kept++
  }
  const left = lines.length - kept
  const omitted = left > 0 ? `(${left} earlier message${left === 1 ? '' : 's'} left out)\n` : ''
  return clip(`${head}${title}${omitted}${lines.slice(left).join('\n')}`, MAX_CONTENT)
}

/** An end-user (or bot) message of the handoff, as the customer's message in Chatwoot. */
export const relayedContent = (request: CreateMessageRequest): string => {
  const text = clip(request.text.trim() || `(${request.type})`, MAX_CONTENT - 20)
  return request.author.type === 'bot' ? `**Bot:** ${text}` : text
}
