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
} as const

export const conversationTags = {
  id: {
    title: 'Helpdesk conversation ID',
    description: "The helpdesk's id of the conversation (ticket), answer of POST /conversations",
  },
  agentId: {
    title: 'Assigned agent ID',
    description: "The helpdesk's id of the agent currently assigned; a repeated assignment to them is not announced again",
  },
  closed: { title: 'Closed', description: '"true" once the conversation was closed by either side' },
  pendingFor: {
    title: 'Pending for',
    description:
      'End user and key of the startHitl request (<user id>:<key>) while its ticket is not linked; a retry of the same request reuses this conversation',
  },
} as const

export const messageTags = {
  id: { title: 'Helpdesk message ID', description: "The helpdesk's id of an agent message; a redelivery finds it by this id" },
  delivery: {
    title: 'Delivery',
    description: 'Random mark of the webhook request that created the message; a redelivery finds another mark and is answered as a duplicate',
  },
} as const
