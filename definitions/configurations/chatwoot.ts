import { z } from '@botpress/sdk'
import { HELPDESK_URL_PATTERN, historyLimitSchema, requestTimeoutMsSchema } from '../configuration'

/* Chatwoot (Cloud or self-hosted): handoffs go into one API inbox; agents answer there. See docs/helpdesks/chatwoot.md. */

const positiveId = (what: string) =>
  z
    .number()
    .int()
    .positive()
    .describe(what)

export const chatwootConfigurationSchema = z.object({
  chatwootUrl: z
    .string()
    .regex(HELPDESK_URL_PATTERN, {
      message:
        'must be an https:// URL with no query or credentials in it (http:// is only allowed to localhost, 127.0.0.1 or [::1])',
    })
    .title('Chatwoot URL')
    .describe('Address of your Chatwoot, e.g. https://app.chatwoot.com or https://chat.example.com (no /api part)'),
  accountId: positiveId(
    'Number of the Chatwoot account: the number after /app/accounts/ in the address bar of the Chatwoot dashboard'
  ).title('Account ID'),
  inboxId: positiveId(
    'Number of the API inbox that receives handoffs: Settings → Inboxes → the inbox; the number after /inboxes/ in the address bar'
  ).title('Inbox ID'),
  accessToken: z
    .string()
    .min(1)
    .secret()
    .title('Access token')
    .describe(
      "Access token of a Chatwoot user (an agent or administrator who is a member of the inbox): Profile settings → Access Token. An agent bot's token is not enough: it may not create contacts nor read messages"
    ),
  webhookSecret: z
    .string()
    .min(1)
    .secret()
    .optional()
    .title('Webhook secret')
    .describe(
      "The inbox's webhook secret as Chatwoot shows it (Settings → Inboxes → the inbox → Configuration; Chatwoot 4.13 or newer). Every webhook must carry a valid X-Chatwoot-Signature made with it"
    ),
  allowUnsignedWebhooks: z
    .boolean()
    .default(false)
    .title('Accept unsigned webhooks (weaker)')
    .describe(
      'Only for Chatwoot older than 4.13, which does not sign webhooks: accept them unsigned. Anyone who learns the webhook URL can then post fake agent replies; leave off whenever your Chatwoot shows a webhook secret'
    ),
  requestTimeoutMs: requestTimeoutMsSchema,
  historyLimit: historyLimitSchema,
})

export const chatwootConfiguration = {
  title: 'Chatwoot',
  description: 'Hand conversations to agents in a Chatwoot API inbox',
  schema: chatwootConfigurationSchema,
}
