import { Client } from '@botpress/client'
import type { BotpressApiServer } from '../../sandbox/botpress-api'
import { BOT_ID } from './integration'

/*
 * The Botpress side as the integration's earlier calls leave it, written through the API's own client; the seeding
 * calls are then forgotten (`api.calls`), so that a test sees only what the integration does.
 */

/** The client of one installation (its alias), as the integration's handler gets it. */
export const botClient = (api: BotpressApiServer, alias = 'hitl') =>
  new Client({ apiUrl: api.url, botId: BOT_ID, integrationId: 'int_hitl', integrationAlias: alias })

/** A downstream conversation as startHitl leaves it: tagged with the helpdesk's id (`tags.id`). */
export const openConversation = async (api: BotpressApiServer, tags: Record<string, string> = { id: 'hd_conv_1' }, alias = 'hitl') => {
  const { conversation } = await botClient(api, alias).createConversation({ channel: 'hitl', tags })
  api.resetCalls()
  return conversation
}

/** An end user as createUser leaves it: tagged with the helpdesk's contact id. */
export const seedEndUser = async (api: BotpressApiServer, helpdeskId = 'hd_user_1') => {
  const { user } = await botClient(api).createUser({ name: 'Ada', tags: { id: helpdeskId } })
  api.resetCalls()
  return user
}
