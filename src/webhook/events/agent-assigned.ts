import type * as bp from '../../bp'
import type { AgentAssignedEvent } from '../../../contract/webhook-events'
import { isClosed } from '../../conversation-state'
import { agentUserLookup, keepAgentCurrent } from '../agent-user'
import { lastAssignedUser } from '../announcements'
import { closedConversation, duplicate, inProgress, processed, unknownConversation, type Answer } from '../answers'
import type { Delivery } from '../delivery'
import { checkReferenced, locateConversation, notTheEventsConversation, type HitlConversation } from '../find-conversation'
import { canonicalInstant, occurredBefore } from '../occurred-at'
import { withTurn } from '../turn'

const KEEP_ASSIGNMENTS = 16

/*
 * The conversation's tags record the assignment in force: the agent's Botpress user (agentUserId), when it occurred
 * (assignedAt) and the deliveries of the last assignments (assignments, the one in force last). They are written
 * under the conversation's turn, before hitlAssigned, so that:
 * - a redelivery of an assignment that was replaced since is a duplicate, whatever happened after it (no event log);
 * - an assignment that occurred before the one in force changes nothing;
 * - only a redelivery of the assignment in force, or the same agent again, may need to know whether hitlAssigned
 *   was made (a failure between the record and the announcement): the event log says, and that read is safe because
 *   it is made before the turn (a found announcement is final) or under it (no one else is announcing).
 *
 * Under the turn, one initializeIncomingMessage without a message both finds or creates the agent's user and reads
 * the conversation as every earlier holder left it. The turn is not given back: it lapses on its own.
 */
export const onAgentAssigned = async (client: bp.Client, event: AgentAssignedEvent, delivery: Delivery): Promise<Answer> => {
  const located = await locateConversation(client, event.conversationId, delivery.botpressConversationId)
  if (!located) return unknownConversation(event.conversationId)
  const { found } = located
  if (found) {
    // Found by the helpdesk's id: what that read settles needs no turn.
    if (isClosed(found)) return closedConversation(event.conversationId)
    const early = decide(found, event, delivery)
    if (early === 'superseded') return duplicate()
    if (early === 'in force' && (await lastAssignedUser(client, found.id)) === found.tags.agentUserId) return duplicate()
  }

  const owner = { delivery: delivery.key, kind: 'assignment' } as const
  const result = await withTurn(
    client,
    located.id,
    owner,
    async (turn) => {
      const read = await client.initializeIncomingMessage({
        conversationId: located.id,
        user: agentUserLookup(event.agent, event.occurredAt),
      })
      const conversation = read.conversation as HitlConversation
      const refused = notTheEventsConversation(conversation, event.conversationId)
      if (refused) {
        await turn.release()
        return refused
      }
      if (isClosed(conversation)) return closedConversation(event.conversationId)
      const agentUser = await keepAgentCurrent(client, read.user, event.agent, event.occurredAt)
      const decision = decide(conversation, event, delivery)
      if (decision === 'superseded') return duplicate()
      const sameAgent = conversation.tags.agentUserId === agentUser.id
      const announced =
        (decision === 'in force' || sameAgent) && (await lastAssignedUser(client, conversation.id)) === agentUser.id
      if (decision !== 'in force') {
        turn.assertHeld()
        const { conversation: recorded } = await client.updateConversation({
          id: conversation.id,
          tags: {
            agentId: event.agent.id,
            agentUserId: agentUser.id,
            assignedAt: event.occurredAt === undefined ? '' : canonicalInstant(event.occurredAt),
            assignments: [...recentAssignments(conversation).filter((key) => key !== delivery.key), delivery.key]
              .slice(-KEEP_ASSIGNMENTS)
              .join(' '),
          },
        })
        // The end user may have ended the session meanwhile (stopHitl does not take the turn).
        if (isClosed(recorded)) return closedConversation(event.conversationId)
      }
      if (announced) return duplicate()
      turn.assertHeld()
      await client.createEvent({
        type: 'hitlAssigned',
        conversationId: conversation.id,
        payload: { conversationId: conversation.id, userId: agentUser.id },
      })
      return processed()
    },
    { giveBack: delivery.giveBackTurn }
  )
  if (result.taken) return result.value
  // A close keeps its turn: the conversation is closing or closed (if it is the event's conversation).
  if (result.holder.kind === 'close' && !result.lost) {
    return (await checkReferenced(client, located, event.conversationId)) ?? closedConversation(event.conversationId)
  }
  return inProgress(event.conversationId, result.retryAfterSeconds)
}

const recentAssignments = (conversation: Pick<HitlConversation, 'tags'>) =>
  (conversation.tags.assignments ?? '').split(' ').filter(Boolean)

/**
 * 'superseded': this delivery was recorded and another assignment is in force since, or it occurred before the one
 * in force; 'in force': this delivery is the assignment in force; 'new': to be recorded (and announced unless the
 * same agent was announced already).
 */
const decide = (
  conversation: Pick<HitlConversation, 'tags'>,
  event: AgentAssignedEvent,
  delivery: Delivery
): 'superseded' | 'in force' | 'new' => {
  const recent = recentAssignments(conversation)
  if (recent.at(-1) === delivery.key) return 'in force'
  if (recent.includes(delivery.key)) return 'superseded'
  if (occurredBefore(event.occurredAt, conversation.tags.assignedAt)) return 'superseded'
  return 'new'
}
