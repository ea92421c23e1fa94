import type { z } from '@botpress/sdk'
import { chatwootConfigurationSchema } from '../../../definitions/configurations/chatwoot'
import { checkHelpdeskUrl, validateConfiguration } from '../../config'

export type ChatwootConfig = z.infer<typeof chatwootConfigurationSchema>

const runtimeSchema = chatwootConfigurationSchema.superRefine((config, ctx) => {
  checkHelpdeskUrl(config.chatwootUrl, 'chatwootUrl', ctx)
  if (/\/api(\/|$)/.test(new URL(config.chatwootUrl, 'https://x').pathname)) {
    ctx.addIssue({ code: 'custom', path: ['chatwootUrl'], message: 'must be the address of Chatwoot itself, without /api' })
  }
  if (!config.webhookSecret && !config.allowUnsignedWebhooks) {
    ctx.addIssue({
      code: 'custom',
      path: ['webhookSecret'],
      message:
        "is required: copy the inbox's webhook secret from Chatwoot (4.13 or newer), or, for an older Chatwoot only, turn on unsigned webhooks",
    })
  }
})

/** The `chatwoot` configuration type, validated once per distinct configuration; errors name each bad field. */
export const parseChatwootConfiguration = (raw: unknown): ChatwootConfig =>
  validateConfiguration('chatwoot', runtimeSchema, raw)
