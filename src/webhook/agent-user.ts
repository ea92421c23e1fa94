import type * as bp from '../bp'
import type { Agent } from '../../contract/webhook-events'
import { canonicalInstant, occurredBefore } from './occurred-at'

type User = Awaited<ReturnType<bp.Client['getUser']>>['user']

/**
 * How the agent's Botpress user is found (by the `agentId` tag) or created: the plugin shows its name and picture. A
 * user created by an event with occurredAt has its profile marked with that time from the start (no extra call).
 */
export const agentUserLookup = (agent: Agent, occurredAt?: string) => ({
  tags: {
    agentId: agent.id,
    ...(agent.email ? { email: agent.email } : {}),
    ...(occurredAt !== undefined ? { profileAt: canonicalInstant(occurredAt) } : {}),
  },
  name: agent.name ?? `Agent ${agent.id}`,
  pictureUrl: agent.pictureUrl,
  discriminateByTags: ['agentId' as const],
})

/**
 * Brings an existing agent user up to date with what an event says; no call when nothing changed. An event that
 * occurred before the one that last set the profile (`profileAt`) changes nothing, so a late redelivery never brings
 * back an old name or picture. Events without `occurredAt` are taken in arrival order. profileAt is written with a
 * change only, so that an unchanged profile costs no call.
 */
export const keepAgentCurrent = async (client: bp.Client, user: User, agent: Agent, occurredAt?: string): Promise<User> => {
  if (occurredBefore(occurredAt, user.tags.profileAt)) return user
  const changes = {
    ...(agent.name !== undefined && agent.name !== user.name ? { name: agent.name } : {}),
    ...(agent.pictureUrl !== undefined && agent.pictureUrl !== user.pictureUrl ? { pictureUrl: agent.pictureUrl } : {}),
  }
  const email = agent.email !== undefined && agent.email !== user.tags.email ? { email: agent.email } : {}
  if (Object.keys(changes).length === 0 && Object.keys(email).length === 0) return user
  const tags = { ...email, ...(occurredAt !== undefined ? { profileAt: canonicalInstant(occurredAt) } : {}) }
  const { user: updated } = await client.updateUser({ id: user.id, ...changes, ...(Object.keys(tags).length ? { tags } : {}) })
  return updated
}
