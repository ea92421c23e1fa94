import type * as bp from '../bp'
import type { HistoryEntry } from '../contract/helpdesk-api'
import type { HistoryMessageType, MessagePayload } from '../contract/messages'
import { renderText } from '../helpdesk/render-text'

type HistoryMessage = bp.ActionProps['startHitl']['input']['messageHistory'][number]

/** The plugin's `messageHistory` as the helpdesk receives it: the latest `limit` messages, each with its text. */
export const toHistoryEntries = (history: readonly HistoryMessage[], limit: number): HistoryEntry[] =>
  (limit > 0 ? history.slice(-limit) : []).map((message) => {
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
