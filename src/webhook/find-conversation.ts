import type * as bp from '../bp'

export type HitlConversation = Awaited<ReturnType<bp.Client['getConversation']>>['conversation']

/** The Botpress conversation this integration opened for a helpdesk conversation id, if any. */
export const findConversation = async (
  client: bp.Client,
  helpdeskConversationId: string
): Promise<HitlConversation | undefined> => {
  const { conversations } = await client.listConversations({ channel: 'hitl', tags: { id: helpdeskConversationId } })
  return conversations[0] as HitlConversation | undefined
}

export const isClosed = (conversation: HitlConversation) => conversation.tags.closed === 'true'
