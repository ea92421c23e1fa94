import type * as bp from '../bp'
import { classify } from '../failures/classify'
import { helpdeskFor } from '../helpdesks/registry'
import { requestKey } from './request-key'

type Input = bp.ActionProps['createUser']['input']

/**
 * The key that finds the Botpress user of a createUser input: the email when there is one (one end user per email,
 * kept for good), otherwise the whole input, kept only until the helpdesk contact is linked (two people may share a
 * name, so a later call with the same name is another end user).
 */
const keyOf = (input: Input): { createKey: string; lasting: boolean } =>
  input.email
    ? { createKey: requestKey(['email', input.email.trim().toLowerCase()]), lasting: true }
    : { createKey: requestKey(['input', input.name, input.pictureUrl ?? null]), lasting: false }

/**
 * Creates the end user in Botpress (name, picture, email) and in the helpdesk, and links them by the `id` tag.
 *
 * Retry-safe: the Botpress user is found or created by its key (`createKey`). A retry after a failure whose outcome is
 * unknown (the helpdesk may have created the contact, then the answer was lost) finds the same user, and `POST /users`
 * is built from that user: the same `botpressUserId` (its idempotency key), `webhook-id` and body, so the helpdesk
 * answers with the contact it made and makes no other. With an email, a user already linked is answered as it is.
 */
export const createUser: bp.IntegrationProps['actions']['createUser'] = async ({ ctx, input, client, logger }) => {
  const { helpdesk } = helpdeskFor(ctx, logger)
  const { createKey, lasting } = keyOf(input)
  const { user } = await client.getOrCreateUser({
    name: input.name,
    pictureUrl: input.pictureUrl,
    tags: { createKey, ...(input.email ? { email: input.email } : {}) },
    discriminateByTags: ['createKey'],
  })
  if (user.tags.id) return { userId: user.id }
  let helpdeskUser: { id: string }
  try {
    helpdeskUser = await helpdesk.createContact({
      botpressUserId: user.id,
      name: user.name ?? input.name,
      email: user.tags.email,
      pictureUrl: user.pictureUrl,
    })
  } catch (error) {
    // a refusal created nothing in the helpdesk: nothing to keep; any other failure may have, so the user stays
    if (classify(error).kind === 'refused') await client.deleteUser({ id: user.id }).catch(() => undefined)
    throw error
  }
  await client.updateUser({ id: user.id, tags: { id: helpdeskUser.id, ...(lasting ? {} : { createKey: '' }) } })
  return { userId: user.id }
}
