import type { CreateMessageRequest, HistoryEntry } from '../../../contract/helpdesk-api'
import type { TicketRequest } from '../helpdesk'

/*
 * What agents read in Request Tracker: the ticket's first content (description, routing fields, history) and each
 * relayed message, as plain text. Media are their URLs (RT makes them links); RT has no rich message types.
 */

const authorOf = (entry: Pick<HistoryEntry, 'author'>, endUser: string) =>
  entry.author.type === 'user' ? endUser : 'Bot'

const indent = (text: string) => text.split('\n').join('\n    ')

export const ticketContent = (request: TicketRequest): string => {
  const session = request.session ?? {}
  const endUser = `End user (${session.requesterName ?? request.userId})`
  const routing: Array<[string, string | undefined]> = [
    ['Priority', session.priority],
    ['Tags', session.tags?.length ? session.tags.join(', ') : undefined],
    ['Queue asked for', session.queue],
    ['Requester name', session.requesterName],
    ['Requester email', session.requesterEmail],
    ...Object.entries(session.customFields ?? {}),
  ]
  const routingLines = routing.filter(([, value]) => value !== undefined && value !== '').map(([k, v]) => `- ${k}: ${v}`)
  const history = request.messages.map(
    (entry, index) => `${index + 1}. ${authorOf(entry, endUser)}:\n    ${indent(entry.text)}`
  )
  return [
    request.description?.trim() || 'The end user asked to talk with a human agent.',
    routingLines.length ? `Routing\n${routingLines.join('\n')}` : undefined,
    history.length
      ? `Conversation so far (oldest first; Botpress gives no times, the last one is just before this ticket)\n${history.join('\n')}`
      : 'Conversation so far: none',
    request.omittedMessages
      ? `(${request.omittedMessages} earlier message${request.omittedMessages === 1 ? '' : 's'} not included: over the history limit or size, or of a type not relayed)`
      : undefined,
    `Botpress conversation: ${request.botpressConversationId}\nBotpress user: ${request.botpressUserId}`,
  ]
    .filter((part): part is string => part !== undefined)
    .join('\n\n')
}

/** The subject of a relayed message; it names the Botpress message, so that a retry can find what it sent. */
export const messageMarker = (request: CreateMessageRequest): string => `[${request.botpressMessageId}]`

export const messageSubject = (request: CreateMessageRequest): string =>
  `${request.author.type === 'user' ? 'End user' : 'Bot'} via Botpress ${messageMarker(request)}`

export const messageContent = (request: CreateMessageRequest): string =>
  `${request.author.type === 'user' ? 'The end user wrote' : 'The bot wrote'} (via Botpress):\n\n${request.text}`
