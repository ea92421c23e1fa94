import { RuntimeError, z } from '@botpress/sdk'
import { Webhook } from 'standardwebhooks'
import { configurationSchema } from '../definitions/configuration'
import { boundedCache } from './bounded-cache'
import { formatIssues } from './validation-issues'

export type Config = z.infer<typeof configurationSchema>

/** Validates the configuration Botpress hands over; the error names each bad field and what it must be. */
const runtimeSchema = configurationSchema.superRefine((config, ctx) => {
  try {
    new URL(config.helpdeskUrl)
  } catch {
    ctx.addIssue({ code: 'custom', path: ['helpdeskUrl'], message: 'is not a valid URL' })
  }
  try {
    new Webhook(config.webhookSecret)
  } catch {
    ctx.addIssue({ code: 'custom', path: ['webhookSecret'], message: 'is not valid base64 after "whsec_"' })
  }
})

const parsed = boundedCache<Config>()

/** Validated once per distinct configuration: every request of a warm runtime carries the same one. */
export const parseConfiguration = (raw: unknown): Config => parsed(JSON.stringify(raw) ?? '', () => validate(raw))

const validate = (raw: unknown): Config => {
  const result = runtimeSchema.safeParse(raw)
  if (result.success) return result.data
  const fields = formatIssues(result.error.issues)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ')
  throw new RuntimeError(`Invalid hitl integration configuration (${fields}). Fix it in the integration's settings.`)
}
