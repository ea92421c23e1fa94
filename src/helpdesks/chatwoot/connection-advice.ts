import type { HelpdeskError } from '../../helpdesk/errors'
import type { ChatwootConfig } from './config'

/** What to fix when Chatwoot refuses `GET /inboxes/:id` on register, from its status and its own words. */
export const advice = (error: HelpdeskError, config: ChatwootConfig): string => {
  const said = error.message
  const { status, code } = error.failure
  if (status === 401 && /invalid access token/i.test(said)) {
    return 'Chatwoot does not know this access token: copy it again from Profile settings → Access Token of the Chatwoot user the integration acts as.'
  }
  if (status === 401 && /not authorized for bots/i.test(said)) {
    return "This is an agent bot's token, which may call only a few endpoints: use the access token of a Chatwoot user (agent or administrator) instead."
  }
  if (status === 401 && /access this account/i.test(said)) {
    return `The token's user is not a member of Chatwoot account ${config.accountId}: check Account ID (the number after /app/accounts/ in the dashboard address) or add the user to that account.`
  }
  if (status === 401 || status === 403) {
    return `The token's user may not see inbox ${config.inboxId}: add the user to the inbox (Settings → Inboxes → the inbox → Collaborators) or use an administrator's token.`
  }
  if (status === 404) {
    return `Chatwoot has no inbox ${config.inboxId} in account ${config.accountId}: check Account ID and Inbox ID (the numbers after /accounts/ and /inboxes/ in the dashboard address).`
  }
  if (status === undefined && code) {
    return `Could not reach ${config.chatwootUrl}: check the Chatwoot URL and that Chatwoot is reachable from Botpress.`
  }
  return 'Check that Chatwoot is up and that the Chatwoot URL points at it.'
}
