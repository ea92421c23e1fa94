import { RuntimeError } from '@botpress/sdk'
import type * as bp from '../bp'
import type { CreateMessageRequest } from '../../contract/helpdesk-api'
import type { RelayedMessageType } from '../../contract/messages'
import { helpdeskFor } from '../helpdesks/registry'
import { renderText } from '../helpdesk/render-text'

/*
 * Relays a message of the downstream conversation to the helpdesk. Everything it needs is in the message, the
 * conversation tags and the configuration: it makes no Botpress API call.
 */
const relay =
  <T extends RelayedMessageType>(type: T) =>
  async ({ ctx, logger, payload, conversation, message }: bp.MessageProps['hitl'][T]): Promise<void> => {
    const ticketId = conversation.tags.id
    if (!ticketId) {
      throw new RuntimeError(`Conversation ${conversation.id} has no helpdesk id: it was not opened by startHitl`)
    }
    const { helpdesk } = helpdeskFor(ctx, logger)
    const { userId, additionalData, ...content } = payload
    const request = {
      botpressMessageId: message.id,
      author: userId ? { type: 'user', botpressUserId: userId } : { type: 'bot' },
      type,
      payload: content,
      text: renderText(type, content as never),
      ...(additionalData ? { additionalData } : {}),
    } as CreateMessageRequest
    await helpdesk.addMessage(ticketId, request)
  }

export const hitlChannel = {
  messages: {
    text: relay('text'),
    image: relay('image'),
    audio: relay('audio'),
    video: relay('video'),
    file: relay('file'),
    bloc: relay('bloc'),
  },
} satisfies bp.IntegrationProps['channels']['hitl']
