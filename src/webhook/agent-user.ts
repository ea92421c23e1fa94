import type * as bp from '../bp'
import type { Agent } from '../contract/webhook-events'
import { canonicalInstant, occurredBefore } from './occurred-at'

type User = Awaited<ReturnType<bp.Client['getUser']>>['user']

/** How the agent's Botpress user is found (by the `agentId` tag) or created: the plugin shows its name and picture. */
export const agentUserLookup = (agent: Agent) => ({
  tags: { agentId: agent.id, ...(agent.email ? { email: agent.email } : {}) },
  name: agent.name ?? `Agent ${agent.id}`,
  pictureUrl: agent.pictureUrl,
  discriminateByTags: ['agentId' as const],
})

/**
 * Brings an existing agent user up to date with what an event says; no call when nothing changed. An event that
 * occurred before the one that last set the profile (`profileAt`) changes nothing, so a late redelivery never brings
 * back an old name or picture. Events without `occurredAt` are taken in arrival order. profileAt is written with a
 * change only (and once on a user created without it), so that an unchanged profile costs no call.
 */
export const keepAgentCurrent = async (client: bp.Client, user: User, agent: Agent, occurredAt?: string): Promise<User> => {
  if (occurredBefore(occurredAt, user.tags.profileAt)) return user
  const changes = {
    ...(agent.name !== undefined && agent.name !== user.name ? { name: agent.name } : {}),
    ...(agent.pictureUrl !== undefined && agent.pictureUrl !== user.pictureUrl ? { pictureUrl: agent.pictureUrl } : {}),
  }
  const email = agent.email !== undefined && agent.email !== user.tags.email ? { email: agent.email } : {}
  // The first event with occurredAt marks the profile's time once (a user just created has none).
  const unmarked = occurredAt !== undefined && !user.tags.profileAt
  if (Object.keys(changes).length === 0 && Object.keys(email).length === 0 && !unmarked) return user
  const tags = { ...email, ...(occurredAt !== undefined ? { profileAt: canonicalInstant(occurredAt) } : {}) }
  const { user: updated } = await client.updateUser({ id: user.id, ...changes, ...(Object.keys(tags).length ? { tags } : {}) })
  return updated
}
