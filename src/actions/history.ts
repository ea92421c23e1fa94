import type * as bp from '../bp'
import type { HistoryEntry } from '../contract/helpdesk-api'
import { historyMessageTypes, type HistoryMessageType, type MessagePayload } from '../contract/messages'
import { renderText } from '../helpdesk/render-text'

type HistoryMessage = bp.ActionProps['startHitl']['input']['messageHistory'][number]

const knownTypes = new Set<string>(historyMessageTypes)

/**
 * The plugin's `messageHistory` as the helpdesk receives it: the latest `limit` messages of the types the contract
 * knows, each with its text.
 */
export const toHistoryEntries = (history: readonly HistoryMessage[], limit: number): HistoryEntry[] =>
  (limit > 0 ? history.filter((message) => knownTypes.has(message.type)).slice(-limit) : []).map((message) => {
    const type = message.type as HistoryMessageType
    const payload = message.payload as MessagePayload<typeof type>
    return {
      author:
        message.source.type === 'user' ? { type: 'user', botpressUserId: message.source.userId } : { type: 'bot' },
      type,
      payload,
      text: renderText(type, payload),
    } as HistoryEntry
  })
