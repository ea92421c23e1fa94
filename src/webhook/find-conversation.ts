import type * as bp from '../bp'
import { referenceMismatch, unknownConversation, type Answer } from './answers'

export type HitlConversation = Awaited<ReturnType<bp.Client['getConversation']>>['conversation']

/**
 * The Botpress conversation this integration opened for a helpdesk conversation id, if any. Botpress scopes the
 * tags an integration reads and writes to that installation, so another installation's conversations never match.
 */
export const findConversation = async (
  client: bp.Client,
  helpdeskConversationId: string
): Promise<HitlConversation | undefined> => {
  const { conversations } = await client.listConversations({ channel: 'hitl', tags: { id: helpdeskConversationId } })
  return conversations[0] as HitlConversation | undefined
}

/**
 * Where an event's conversation is: named by a reference this installation issued (no call), or found by the
 * helpdesk's id, in which case `found` is the conversation as read.
 */
export type Located = { id: string; found?: HitlConversation }

export const locateConversation = async (
  client: bp.Client,
  helpdeskConversationId: string,
  botpressConversationId: string | undefined
): Promise<Located | undefined> => {
  if (botpressConversationId) return { id: botpressConversationId }
  const found = await findConversation(client, helpdeskConversationId)
  return found && { id: found.id, found }
}

/**
 * Undefined when the conversation, as Botpress answered it, is the one of the event's helpdesk conversation id; else
 * the answer to give (only a reference can name another one: the helpdesk echoed the reference of another ticket, or
 * one whose ticket is not linked yet).
 */
export const notTheEventsConversation = (
  conversation: { tags: { id?: string } },
  helpdeskConversationId: string
): Answer | undefined => {
  const linked = conversation.tags.id
  if (linked === helpdeskConversationId) return undefined
  return linked ? referenceMismatch(helpdeskConversationId, linked) : unknownConversation(helpdeskConversationId)
}

/**
 * Before an answer drawn from something other than the conversation (its turn, the event log): a conversation named by
 * a reference is read and checked as `notTheEventsConversation` does. One found by the helpdesk's id needs nothing.
 */
export const checkReferenced = async (
  client: bp.Client,
  located: Located,
  helpdeskConversationId: string
): Promise<Answer | undefined> => {
  if (located.found) return undefined
  const { conversation } = await client.getConversation({ id: located.id })
  return notTheEventsConversation(conversation, helpdeskConversationId)
}
