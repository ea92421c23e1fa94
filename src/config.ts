import { RuntimeError, z } from '@botpress/sdk'
import { configurationSchema } from '../definitions/configuration'
import { formatIssues } from './validation-issues'

export type Config = z.infer<typeof configurationSchema>

/** Validates the configuration Botpress hands over; the error names each bad field and what it must be. */
export const parseConfiguration = (raw: unknown): Config => {
  const result = configurationSchema.safeParse(raw)
  if (result.success) return result.data
  const fields = formatIssues(result.error.issues)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ')
  throw new RuntimeError(`Invalid hitl integration configuration (${fields}). Fix it in the integration's settings.`)
}
