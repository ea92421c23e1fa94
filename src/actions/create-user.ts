import type * as bp from '../bp'
import { classify } from '../failures/classify'
import { helpdeskFor } from '../helpdesks/registry'
import { requestKey } from './request-key'

/**
 * Creates the end user in Botpress (name, picture, email) and in the helpdesk, and links them by the `id` tag.
 *
 * Retry-safe: the Botpress user is found or created by a key derived from the input (`pendingKey`), which stays on it
 * until its helpdesk contact is linked. A retry after a failure whose outcome is unknown (the helpdesk may have created
 * the contact, then the answer was lost) finds the same user, so `POST /users` carries the same `botpressUserId`, its
 * idempotency key, and the same `webhook-id`: the helpdesk answers with the contact it made and makes no other.
 */
export const createUser: bp.IntegrationProps['actions']['createUser'] = async ({ ctx, input, client, logger }) => {
  const { helpdesk } = helpdeskFor(ctx, logger)
  const pendingKey = requestKey(['createUser', input.name, input.email ?? null, input.pictureUrl ?? null])
  const { user } = await client.getOrCreateUser({
    name: input.name,
    pictureUrl: input.pictureUrl,
    tags: { pendingKey, ...(input.email ? { email: input.email } : {}) },
    discriminateByTags: ['pendingKey'],
  })
  let helpdeskUser: { id: string }
  try {
    helpdeskUser = await helpdesk.createContact({
      botpressUserId: user.id,
      name: input.name,
      email: input.email,
      pictureUrl: input.pictureUrl,
    })
  } catch (error) {
    // a refusal created nothing in the helpdesk: nothing to keep; any other failure may have, so the user stays
    if (classify(error).kind === 'refused') await client.deleteUser({ id: user.id }).catch(() => undefined)
    throw error
  }
  await client.updateUser({ id: user.id, tags: { id: helpdeskUser.id, pendingKey: '' } })
  return { userId: user.id }
}
