import type * as bp from '../bp'
import { helpdeskFor } from '../helpdesks/registry'

/** Creates the end user in Botpress (name, picture, email) and in the helpdesk, and links them by the `id` tag. */
export const createUser: bp.IntegrationProps['actions']['createUser'] = async ({ ctx, input, client, logger }) => {
  const { helpdesk } = helpdeskFor(ctx, logger)
  const { user } = await client.createUser({
    name: input.name,
    pictureUrl: input.pictureUrl,
    tags: input.email ? { email: input.email } : {},
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
    await client.deleteUser({ id: user.id }).catch(() => undefined)
    throw error
  }
  await client.updateUser({ id: user.id, tags: { id: helpdeskUser.id } })
  return { userId: user.id }
}
