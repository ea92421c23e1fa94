import type * as bp from '../bp'

type Event = Awaited<ReturnType<bp.Client['listEvents']>>['events'][number]

/** The announcements of one type already made in a conversation, oldest first. */
export const announced = async (client: bp.Client, conversationId: string, type: 'hitlAssigned' | 'hitlStopped') => {
  const events: Event[] = []
  let nextToken: string | undefined
  do {
    const page = await client.listEvents({ conversationId, type, nextToken })
    events.push(...page.events)
    nextToken = page.meta.nextToken
  } while (nextToken)
  return events.sort((a, b) => a.createdAt.localeCompare(b.createdAt))
}
