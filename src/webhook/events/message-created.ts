import { randomUUID } from 'node:crypto'
import type { Answer } from '../answers'
import type * as bp from '../../bp'
import type { MessageCreatedEvent } from '../../contract/webhook-events'
import { agentUserLookup, keepAgentCurrent } from '../agent-user'
import { findConversation, isClosed } from '../find-conversation'
import { closedConversation, duplicate, processed, unknownConversation } from '../answers'

/*
 * The agent's message goes into the downstream conversation once: initializeIncomingMessage finds or creates the
 * agent's user and finds or creates the message by its helpdesk id in one call. A redelivery finds the message
 * marked by another request and is answered as a duplicate.
 */
export const onMessageCreated = async (client: bp.Client, event: MessageCreatedEvent): Promise<Answer> => {
  const conversation = await findConversation(client, event.conversationId)
  if (!conversation) return unknownConversation(event.conversationId)
  if (isClosed(conversation)) return closedConversation(event.conversationId)

  const delivery = randomUUID()
  const { user, message: created } = await client.initializeIncomingMessage({
    user: agentUserLookup(event.agent),
    conversationId: conversation.id,
    message: {
      type: event.message.type,
      payload: event.message.payload,
      tags: { id: event.message.id, delivery },
      discriminateByTags: ['id'],
    },
  })
  await keepAgentCurrent(client, user, event.agent)
  // sdk 5.4.3 types this field as `{ message }`; the API answers the message itself.
  const message = created as unknown as { tags: Record<string, string | undefined> } | undefined
  if (!message) throw new Error('Botpress created no message for the agent message')
  return message.tags.delivery === delivery ? processed() : duplicate()
}
