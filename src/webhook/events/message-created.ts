import { randomUUID } from 'node:crypto'
import type * as bp from '../../bp'
import type { MessageCreatedEvent } from '../../../contract/webhook-events'
import { isClosed } from '../../conversation-state'
import { agentUserLookup, keepAgentCurrent } from '../agent-user'
import { closedConversation, duplicate, processed, unknownConversation, type Answer } from '../answers'
import type { Delivery } from '../delivery'
import { findConversation } from '../find-conversation'

type CreatedMessage = { id: string; tags: Record<string, string | undefined> }

/*
 * The agent's message goes into the downstream conversation once per delivery: initializeIncomingMessage finds or
 * creates the agent's user and finds or creates the message by the delivery's key (a digest of its webhook-id) in one
 * atomic call. A redelivery finds the message marked by another request and is answered as a duplicate.
 *
 * The same call answers the conversation as it was when the message was written. If a close had already begun
 * (`closedBy` is set before hitlStopped is announced), the message came too late: it is deleted and refused 409, so a
 * message answered 200 is always written before hitlStopped.
 *
 * The conversation is looked up by the helpdesk's id even when the event echoes its reference: that read is what
 * keeps a message for a conversation closed earlier from being written at all (a written message reaches the bot,
 * whatever happens to it next).
 */
export const onMessageCreated = async (client: bp.Client, event: MessageCreatedEvent, delivery: Delivery): Promise<Answer> => {
  const conversation = await findConversation(client, event.conversationId)
  if (!conversation) return unknownConversation(event.conversationId)
  if (isClosed(conversation)) return closedConversation(event.conversationId)

  const mark = randomUUID()
  const result = await client.initializeIncomingMessage({
    user: agentUserLookup(event.agent, event.occurredAt),
    conversationId: conversation.id,
    message: {
      type: event.message.type,
      payload: event.message.payload,
      tags: { id: event.message.id, webhookId: delivery.key, delivery: mark },
      discriminateByTags: ['webhookId'],
    },
  })
  // sdk 5.4.3 types this field as `{ message }`; the API answers the message itself.
  const message = result.message as unknown as CreatedMessage | undefined
  if (!message) throw new Error('Botpress answered initializeIncomingMessage without the message')
  if (message.tags.delivery !== mark) {
    // A redelivery completes a profile update that failed the first time, but only when ordered by occurredAt:
    // without it, a late redelivery could not be told from a recent one and might bring back an old name.
    if (event.occurredAt !== undefined) await keepAgentCurrent(client, result.user, event.agent, event.occurredAt)
    return duplicate()
  }
  if (isClosed(result.conversation)) {
    await client.deleteMessage({ id: message.id })
    return closedConversation(event.conversationId)
  }
  await keepAgentCurrent(client, result.user, event.agent, event.occurredAt)
  return processed()
}
