import { z } from '@botpress/sdk'
import { HELPDESK_URL_PATTERN, historyLimitSchema, requestTimeoutMsSchema, webhookSecretSchema } from '../configuration'

/* The `requestTracker` configuration type: Request Tracker 5 through its REST2 API and the hitl scrip. */

export const requestTrackerConfigurationSchema = z.object({
  requestTrackerUrl: z
    .string()
    .regex(HELPDESK_URL_PATTERN, {
      message:
        'must be an https:// URL with no query or credentials in it (http:// is only allowed to localhost, 127.0.0.1 or [::1])',
    })
    .title('Request Tracker URL')
    .describe(
      "Base URL of Request Tracker (its web address, e.g. https://rt.example.com); the integration calls its REST2 API under /REST/2.0/"
    ),
  authToken: z
    .string()
    .min(1)
    .secret()
    .title('Auth token')
    .describe(
      "An RT 5 auth token of the user the integration acts as (RT: Logged in as → Settings → Auth Tokens); sent as `Authorization: token <token>`"
    ),
  queue: z
    .string()
    .min(1)
    .title('Queue')
    .describe('Name of the RT queue in which handoff tickets are opened; the token user needs rights on it'),
  webhookSecret: webhookSecretSchema(
    "Standard Webhooks secret (whsec_...) with which RT's hitl scrip signs the events it posts; set the same value as $HitlWebhookSecret in RT's site configuration"
  ),
  requestTimeoutMs: requestTimeoutMsSchema,
  historyLimit: historyLimitSchema,
})

export const requestTracker = {
  title: 'Request Tracker 5',
  description: 'Hands conversations to agents in Request Tracker 5 (REST2 API, and a scrip that posts back)',
  schema: requestTrackerConfigurationSchema,
}
