import type { Response } from '@botpress/sdk'
import type * as bp from '../../bp'
import type { AgentAssignedEvent } from '../../contract/webhook-events'
import { agentUserLookup, keepAgentCurrent } from '../agent-user'
import { claimAnnouncement } from '../claim'
import { findConversation, isClosed } from '../find-conversation'
import { closedConversation, duplicate, processed, unknownConversation } from '../outcome'

/** `hitlAssigned` with the agent's Botpress user, unless that agent is the one already assigned. */
export const onAgentAssigned = async (client: bp.Client, event: AgentAssignedEvent): Promise<Response> => {
  const conversation = await findConversation(client, event.conversationId)
  if (!conversation) return unknownConversation(event.conversationId)
  if (isClosed(conversation)) return closedConversation(event.conversationId)
  if (conversation.tags.agentId === event.agent.id) return duplicate()

  const { user: found } = await client.getOrCreateUser(agentUserLookup(event.agent))
  const agentUser = await keepAgentCurrent(client, found, event.agent)

  const claim = await claimAnnouncement(client, conversation.id, 'assignmentClaim', `agent:${event.agent.id}`)
  if (!claim.won) return duplicate()
  try {
    await client.createEvent({
      type: 'hitlAssigned',
      conversationId: conversation.id,
      payload: { conversationId: conversation.id, userId: agentUser.id },
    })
  } catch (error) {
    await claim.release()
    throw error
  }
  await client.updateConversation({ id: conversation.id, tags: { agentId: event.agent.id } })
  return processed()
}
