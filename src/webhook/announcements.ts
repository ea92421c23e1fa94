import type * as bp from '../bp'

/*
 * The event log, read only to settle a doubt: whether the announcement in force was made (after a failure between
 * the record and the announcement, or when the same agent is assigned again). It is never the basis of a decision
 * taken while another request may still be announcing.
 */

/** The Botpress user of the last hitlAssigned of a conversation, if any. */
export const lastAssignedUser = async (client: bp.Client, conversationId: string): Promise<string | undefined> => {
  let last: { createdAt: string; userId?: string } | undefined
  let nextToken: string | undefined
  do {
    const page = await client.listEvents({ conversationId, type: 'hitlAssigned', nextToken })
    for (const event of page.events) {
      if (!last || event.createdAt >= last.createdAt) {
        last = { createdAt: event.createdAt, userId: (event.payload as { userId?: string }).userId }
      }
    }
    nextToken = page.meta.nextToken
  } while (nextToken)
  return last?.userId
}

/** Whether hitlStopped was announced in a conversation. */
export const stopAnnounced = async (client: bp.Client, conversationId: string): Promise<boolean> => {
  const { events } = await client.listEvents({ conversationId, type: 'hitlStopped' })
  return events.length > 0
}
