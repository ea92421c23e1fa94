import type { Answer } from './answers'
import type * as bp from '../bp'
import type { WebhookEvent } from '../contract/webhook-events'
import { onAgentAssigned } from './events/agent-assigned'
import { onConversationClosed } from './events/conversation-closed'
import { onMessageCreated } from './events/message-created'

export const dispatch = (client: bp.Client, event: WebhookEvent): Promise<Answer> => {
  switch (event.type) {
    case 'message.created':
      return onMessageCreated(client, event)
    case 'agent.assigned':
      return onAgentAssigned(client, event)
    case 'conversation.closed':
      return onConversationClosed(client, event)
  }
}
