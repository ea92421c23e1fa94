import type { Answer } from '../answers'
import type * as bp from '../../bp'
import type { AgentAssignedEvent } from '../../contract/webhook-events'
import { agentUserLookup, keepAgentCurrent } from '../agent-user'
import { announced } from '../announcements'
import { findConversation, isClosed } from '../find-conversation'
import { withAnnouncementLock } from '../lock'
import { closedConversation, duplicate, processed, unknownConversation } from '../answers'

const KEEP_EVENT_IDS = 100

/** `hitlAssigned` with the agent's Botpress user, unless that agent is the one already assigned or the event was seen. */
export const onAgentAssigned = async (client: bp.Client, event: AgentAssignedEvent): Promise<Answer> => {
  const conversation = await findConversation(client, event.conversationId)
  if (!conversation) return unknownConversation(event.conversationId)
  if (isClosed(conversation)) return closedConversation(event.conversationId)
  // No shortcut on the agentId tag: even a duplicate is recorded by its event id, so its redelivery stays a duplicate.

  const { user: found } = await client.getOrCreateUser(agentUserLookup(event.agent))
  const agentUser = await keepAgentCurrent(client, found, event.agent)
  const eventId = event.id ?? ''

  return withAnnouncementLock(client, conversation.id, `agent:${event.agent.id}`, async () => {
    const { conversation: fresh } = await client.getConversation({ id: conversation.id })
    if (isClosed(fresh)) return closedConversation(event.conversationId)
    const seenRef = { type: 'conversation', id: conversation.id, name: 'assignmentEvents' } as const
    const { state } = await client.getOrSetState({ ...seenRef, payload: { ids: [] } })
    const seen = state.payload.ids
    const remember = () => client.setState({ ...seenRef, payload: { ids: [...seen, eventId].slice(-KEEP_EVENT_IDS) } })
    if (seen.includes(eventId)) return duplicate()
    const last = (await announced(client, conversation.id, 'hitlAssigned')).at(-1)
    const lastUserId = (last?.payload as { userId?: string } | undefined)?.userId
    if (lastUserId === agentUser.id) {
      // announced already (a request that failed after the announcement, or the same agent again): repair the records
      await client.updateConversation({ id: conversation.id, tags: { agentId: event.agent.id } })
      await remember()
      return duplicate()
    }
    await client.createEvent({
      type: 'hitlAssigned',
      conversationId: conversation.id,
      payload: { conversationId: conversation.id, userId: agentUser.id },
    })
    await client.updateConversation({ id: conversation.id, tags: { agentId: event.agent.id } })
    await remember()
    return processed()
  })
}
