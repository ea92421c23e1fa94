import type * as bp from '../bp'
import { HISTORY_BUDGET_BYTES, type HistoryEntry } from '../../contract/helpdesk-api'
import { historyMessageTypes, type HistoryMessageType, type MessagePayload } from '../../contract/messages'
import { renderText } from '../helpdesk/render-text'

type HistoryMessage = bp.ActionProps['startHitl']['input']['messageHistory'][number]

const knownTypes = new Set<string>(historyMessageTypes)

const toEntry = (message: HistoryMessage): HistoryEntry => {
  const type = message.type as HistoryMessageType
  const payload = message.payload as MessagePayload<typeof type>
  return {
    author: message.source.type === 'user' ? { type: 'user', botpressUserId: message.source.userId } : { type: 'bot' },
    type,
    payload,
    text: renderText(type, payload),
  } as HistoryEntry
}

export type ForwardedHistory = {
  /** What the helpdesk receives, oldest first. */
  messages: HistoryEntry[]
  /** How many messages of the history are not in `messages` (older than the limit or the budget, or of unknown type). */
  omitted: number
}

/**
 * The plugin's `messageHistory` as the helpdesk receives it: the latest `limit` messages of the types the contract
 * knows, each with its text, and of those only the latest that fit in `budget` bytes of JSON (the oldest go first).
 */
export const forwardedHistory = (
  history: readonly HistoryMessage[],
  limit: number,
  budget = HISTORY_BUDGET_BYTES
): ForwardedHistory => {
  const latest = limit > 0 ? history.filter((message) => knownTypes.has(message.type)).slice(-limit).map(toEntry) : []
  let used = 2 // the brackets of the array
  let first = latest.length
  while (first > 0) {
    const size = Buffer.byteLength(JSON.stringify(latest[first - 1])) + 1 // and its comma
    if (used + size > budget) break
    used += size
    first -= 1
  }
  const messages = latest.slice(first)
  return { messages, omitted: history.length - messages.length }
}
