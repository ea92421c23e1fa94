/* Tags keep the helpdesk's ids on the Botpress side, so that a webhook finds its conversation and user by them. */

export const userTags = {
  id: { title: 'Helpdesk user ID', description: "The helpdesk's id of the end user (answer of POST /users)" },
  email: { title: 'Email', description: 'Email address of the end user, as given to createUser' },
  agentId: { title: 'Helpdesk agent ID', description: "The helpdesk's id of the human agent this user stands for" },
  createKey: {
    title: 'createUser key',
    description:
      'Key of the createUser input that made this user: of the email (kept), or of the whole input until the helpdesk contact is linked; a retry finds the user by it',
  },
  profileAt: {
    title: 'Profile as of',
    description: 'occurredAt of the event that last set the agent name and picture; an older event does not change them',
  },
} as const

export const conversationTags = {
  id: {
    title: 'Helpdesk conversation ID',
    description: "The helpdesk's id of the conversation (ticket), answer of POST /conversations",
  },
  agentId: {
    title: 'Assigned agent ID',
    description:
      "The helpdesk's id of the agent currently assigned, written with agentUserId; catching up on a helpdesk that never retries compares the agent it reads back with it",
  },
  agentUserId: {
    title: 'Assigned agent user',
    description:
      'Botpress user id of the agent currently assigned (their helpdesk id is the user tag agentId); a repeated assignment to them is not announced again',
  },
  assignedAt: {
    title: 'Assigned as of',
    description: 'occurredAt of the assignment in force; an older agent.assigned changes nothing',
  },
  assignments: {
    title: 'Recent assignments',
    description: 'Digests of the webhook-ids of the last 16 agent.assigned deliveries, the one in force last',
  },
  closed: { title: 'Closed', description: '"true" once the end user ended the session (stopHitl)' },
  closedBy: {
    title: 'Closed by',
    description: '"helpdesk" once the helpdesk closed the conversation (set before hitlStopped is announced), empty otherwise',
  },
  pendingFor: {
    title: 'Pending for',
    description:
      'End user and key of the startHitl request (<user id>:<key>) while its ticket is not linked; a retry of the same request reuses this conversation',
  },
  lastAgentMessage: {
    title: 'Last agent message relayed',
    description:
      "The helpdesk's id of the latest agent message relayed by catching up; for helpdesks that never retry a webhook, the next one relays what came after it",
  },
} as const

export const messageTags = {
  id: { title: 'Helpdesk message ID', description: "The helpdesk's id of an agent message" },
  webhookId: {
    title: 'Webhook delivery',
    description: 'Digest of the webhook-id that delivered the message; a redelivery finds the message by it',
  },
  delivery: {
    title: 'Delivery',
    description: 'Random mark of the webhook request that created the message; a redelivery finds another mark and is answered as a duplicate',
  },
} as const
