import type * as bp from '../bp'
import type { Agent } from '../contract/webhook-events'

type User = Awaited<ReturnType<bp.Client['getUser']>>['user']

/** How the agent's Botpress user is found (by the `agentId` tag) or created: the plugin shows its name and picture. */
export const agentUserLookup = (agent: Agent) => ({
  tags: { agentId: agent.id, ...(agent.email ? { email: agent.email } : {}) },
  name: agent.name ?? `Agent ${agent.id}`,
  pictureUrl: agent.pictureUrl,
  discriminateByTags: ['agentId' as const],
})

/** Brings an existing agent user up to date with what the helpdesk says now; no call when nothing changed. */
export const keepAgentCurrent = async (client: bp.Client, user: User, agent: Agent): Promise<User> => {
  const changes = {
    ...(agent.name !== undefined && agent.name !== user.name ? { name: agent.name } : {}),
    ...(agent.pictureUrl !== undefined && agent.pictureUrl !== user.pictureUrl ? { pictureUrl: agent.pictureUrl } : {}),
    ...(agent.email !== undefined && agent.email !== user.tags.email ? { tags: { email: agent.email } } : {}),
  }
  if (Object.keys(changes).length === 0) return user
  const { user: updated } = await client.updateUser({ id: user.id, ...changes })
  return updated
}
