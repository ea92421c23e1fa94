/*
 * What a hitl conversation's tags say about its session. Either side may end it: the end user (stopHitl sets
 * `closed`) or the helpdesk (conversation.closed sets `closedBy`, before hitlStopped is announced). The two are kept
 * in separate tags so that the helpdesk's close, answered by the conversation as its own write left it, still sees
 * whether the end user had ended it already.
 */
type Tagged = { tags: { closed?: string; closedBy?: string } }

export const isClosed = (conversation: Tagged): boolean => closedByEndUser(conversation) || closedByHelpdesk(conversation)

export const closedByEndUser = (conversation: Tagged): boolean => conversation.tags.closed === 'true'

export const closedByHelpdesk = (conversation: Tagged): boolean => conversation.tags.closedBy === 'helpdesk'
