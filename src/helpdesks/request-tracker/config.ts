import type { z } from '@botpress/sdk'
import { requestTrackerConfigurationSchema } from '../../../definitions/configurations/request-tracker'
import { checkHelpdeskUrl, checkWebhookSecret, validateConfiguration } from '../../config'

export type RequestTrackerConfig = z.infer<typeof requestTrackerConfigurationSchema>

const runtimeSchema = requestTrackerConfigurationSchema.superRefine((config, ctx) => {
  checkHelpdeskUrl(config.requestTrackerUrl, 'requestTrackerUrl', ctx)
  checkWebhookSecret(config.webhookSecret, 'webhookSecret', ctx)
})

/** The `requestTracker` configuration type, validated; the error names each bad field. */
export const parseRequestTrackerConfiguration = (raw: unknown): RequestTrackerConfig =>
  validateConfiguration('requestTracker', runtimeSchema, raw)
