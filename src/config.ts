import { RuntimeError, z } from '@botpress/sdk'
import { isSigningSecret } from '../contract/signature'
import { configurationSchema } from '../definitions/configuration'
import { boundedCache } from './bounded-cache'
import { helpdeskUrlRefusal, loopbackAllowed } from './helpdesk/address-rules'
import { formatIssues } from './validation-issues'

export type Config = z.infer<typeof configurationSchema>

/** Checks a configuration's secret beyond its pattern: the part after `whsec_` must decode. */
export const checkWebhookSecret = (secret: string, path: string, ctx: z.RefinementCtx) => {
  if (!isSigningSecret(secret)) ctx.addIssue({ code: 'custom', path: [path], message: 'is not valid base64 after "whsec_"' })
}

/**
 * Checks a helpdesk URL field beyond its pattern: it must parse, and its host must not be a private, loopback,
 * link-local, CGNAT, multicast, unspecified or reserved address, a metadata host name, or an IP address written as a
 * number, in hex or octal (src/helpdesk/address-rules.ts). Every configuration type checks its helpdesk URL with it.
 */
export const checkHelpdeskUrl = (url: string, path: string, ctx: z.RefinementCtx) => {
  const refusal = helpdeskUrlRefusal(url)
  if (refusal) ctx.addIssue({ code: 'custom', path: [path], message: `${refusal.message} (rule: ${refusal.rule})` })
}

const contractSchema = configurationSchema.superRefine((config, ctx) => {
  checkHelpdeskUrl(config.helpdeskUrl, 'helpdeskUrl', ctx)
  checkWebhookSecret(config.webhookSecret, 'webhookSecret', ctx)
})

const validated = boundedCache<unknown>()

/**
 * Validates the configuration Botpress hands over, once per distinct configuration (every request of a warm runtime
 * carries the same one); the error names each bad field and what it must be.
 */
export const validateConfiguration = <S extends z.ZodTypeAny>(kind: string, schema: S, raw: unknown): z.infer<S> =>
  // the loopback opt-in is part of the key: the same URL is valid or not depending on it
  validated(`${kind} ${loopbackAllowed()} ${JSON.stringify(raw) ?? ''}`, () => validate(schema, raw)) as z.infer<S>

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
