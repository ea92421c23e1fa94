import { RuntimeError, z } from '@botpress/sdk'
import { Webhook } from 'standardwebhooks'
import { configurationSchema } from '../definitions/configuration'
import { boundedCache } from './bounded-cache'
import { formatIssues } from './validation-issues'

export type Config = z.infer<typeof configurationSchema>

/** Checks a configuration's secret beyond its pattern: the part after `whsec_` must decode. */
export const checkWebhookSecret = (secret: string, path: string, ctx: z.RefinementCtx) => {
  try {
    new Webhook(secret)
  } catch {
    ctx.addIssue({ code: 'custom', path: [path], message: 'is not valid base64 after "whsec_"' })
  }
}

/** Checks a URL field beyond its pattern: it must parse. */
export const checkUrl = (url: string, path: string, ctx: z.RefinementCtx) => {
  try {
    new URL(url)
  } catch {
    ctx.addIssue({ code: 'custom', path: [path], message: 'is not a valid URL' })
  }
}

const contractSchema = configurationSchema.superRefine((config, ctx) => {
  checkUrl(config.helpdeskUrl, 'helpdeskUrl', ctx)
  checkWebhookSecret(config.webhookSecret, 'webhookSecret', ctx)
})

const validated = boundedCache<unknown>()

/**
 * Validates the configuration Botpress hands over, once per distinct configuration (every request of a warm runtime
 * carries the same one); the error names each bad field and what it must be.
 */
export const validateConfiguration = <S extends z.ZodTypeAny>(kind: string, schema: S, raw: unknown): z.infer<S> =>
  validated(`${kind} ${JSON.stringify(raw) ?? ''}`, () => validate(schema, raw)) as z.infer<S>

/** The default configuration: a helpdesk that implements the hitl contract. */
export const parseConfiguration = (raw: unknown): Config => validateConfiguration('contract', contractSchema, raw)

const validate = <S extends z.ZodTypeAny>(schema: S, raw: unknown): z.infer<S> => {
  const result = schema.safeParse(raw)
  if (result.success) return result.data
  const fields = formatIssues(result.error.issues)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ')
  throw new RuntimeError(`Invalid hitl integration configuration (${fields}). Fix it in the integration's settings.`)
}
