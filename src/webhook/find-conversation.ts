import type * as bp from '../bp'

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

export const isClosed = (conversation: Pick<HitlConversation, 'tags'>) => conversation.tags.closed === 'true'
