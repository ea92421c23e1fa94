import { z, type IntegrationDefinitionProps } from '@botpress/sdk'
import { Webhook } from 'standardwebhooks'

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** `https://` anywhere; plain `http://` only to this machine, for local development. */
export const isAllowedHelpdeskUrl = (value: string): boolean => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if (url.username || url.password || url.search || url.hash) return false
  if (url.protocol === 'https:') return true
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)
}

const MIN_SECRET_BYTES = 24

/** A Standard Webhooks secret: `whsec_` followed by the base64 of at least 24 random bytes. */
export const isWebhookSecret = (value: string): boolean => {
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(value)) return false
  try {
    return Buffer.from(value.slice('whsec_'.length), 'base64').length >= MIN_SECRET_BYTES && !!new Webhook(value)
  } catch {
    return false
  }
}

export const configurationSchema = z.object({
  helpdeskUrl: z
    .string()
    .refine(isAllowedHelpdeskUrl, {
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
  webhookSecret: z
    .string()
    .secret()
    .refine(isWebhookSecret, {
      message: 'must be a Standard Webhooks secret: "whsec_" followed by the base64 of at least 24 random bytes',
    })
    .title('Webhook signing secret')
    .describe(
      'Shared secret in Standard Webhooks form (whsec_...). Signs every call to the helpdesk and verifies every webhook it sends; set the same value in the helpdesk'
    ),
  requestTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(30000)
    .default(10000)
    .title('Request timeout (ms)')
    .describe('How long one call to the helpdesk may take before it is abandoned and retried'),
  historyLimit: z
    .number()
    .int()
    .min(0)
    .max(500)
    .default(100)
    .title('History messages to forward')
    .describe('How many of the latest conversation messages are sent to the helpdesk when a ticket is opened'),
})

export const configuration = {
  schema: configurationSchema,
} satisfies IntegrationDefinitionProps['configuration']
