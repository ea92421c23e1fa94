import type * as bp from '../bp'
import type { WebhookEvent } from '../../contract/webhook-events'
import type { Answer } from './answers'
import type { Delivery } from './delivery'
import { onAgentAssigned } from './events/agent-assigned'
import { onConversationClosed } from './events/conversation-closed'
import { onMessageCreated } from './events/message-created'

export const dispatch = (client: bp.Client, event: WebhookEvent, delivery: Delivery): Promise<Answer> => {
  switch (event.type) {
    case 'message.created':
      return onMessageCreated(client, event, delivery)
    case 'agent.assigned':
      return onAgentAssigned(client, event, delivery)
    case 'conversation.closed':
      return onConversationClosed(client, event, delivery)
  }
}
