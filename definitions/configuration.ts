import { z, type IntegrationDefinitionProps } from '@botpress/sdk'

/*
 * Formats are plain regular expressions (not refinements) so that the schema converts to JSON Schema for the
 * Dev Console; src/config.ts checks the same values once more at run time.
 */

/** `https://` anywhere; plain `http://` only to this machine, for local development. No credentials, query or hash. */
export const HELPDESK_URL_PATTERN =
  /^(?:https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?|http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?)(?:\/[^?#\s]*)?$/

/** A Standard Webhooks secret: `whsec_` and the base64 of at least 24 bytes (32 characters). */
export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/

/* Fields every configuration type shares (the contract's and each helpdesk product's). */
export const requestTimeoutMsSchema = z
  .number()
  .int()
  .min(1000)
  .max(30000)
  .default(10000)
  .title('Request timeout (ms)')
  .describe('How long one call to the helpdesk may take before it is abandoned and retried')

export const historyLimitSchema = z
  .number()
  .int()
  .min(0)
  .max(500)
  .default(100)
  .title('History messages to forward')
  .describe('How many of the latest conversation messages are sent to the helpdesk when a ticket is opened')

/** The Standard Webhooks signing secret; only what it signs, and where else it is set, differs between types. */
export const webhookSecretSchema = (description: string) =>
  z
    .string()
    .regex(WEBHOOK_SECRET_PATTERN, {
      message: 'must be a Standard Webhooks secret: "whsec_" followed by the base64 of at least 24 random bytes',
    })
    .secret()
    .title('Webhook signing secret')
    .describe(description)

export const configurationSchema = z.object({
  helpdeskUrl: z
    .string()
    .regex(HELPDESK_URL_PATTERN, {
      message:
        'must be an https:// URL with no query or credentials in it (http:// is only allowed to localhost, 127.0.0.1 or [::1])',
    })
    .title('Helpdesk API base URL')
    .describe(
      'Base URL of the helpdesk API that implements the hitl contract, e.g. https://helpdesk.example.com/botpress. The integration calls GET /health, POST /users, POST /conversations, ... relative to it'
    ),
  apiToken: z
    .string()
    .secret()
    .optional()
    .title('API token')
    .describe('Optional token the helpdesk expects; sent on every call as `Authorization: Bearer <token>`'),
  webhookSecret: webhookSecretSchema(
    'Shared secret in Standard Webhooks form (whsec_...). Signs every call to the helpdesk and verifies every webhook it sends; set the same value in the helpdesk'
  ),
  requestTimeoutMs: requestTimeoutMsSchema,
  historyLimit: historyLimitSchema,
})

export const configuration = {
  schema: configurationSchema,
} satisfies IntegrationDefinitionProps['configuration']
