import type * as bp from '../bp'
import { parseConfiguration, type Config } from '../config'
import { createHelpdeskClient, type HelpdeskClient } from './client'
import type { RetryPolicy } from './http'

/** The configuration and a helpdesk client for one operation; retries are logged where the bot builder sees them. */
export const helpdeskFor = (
  ctx: bp.Context,
  logger: bp.Logger,
  retry?: RetryPolicy
): { config: Config; helpdesk: HelpdeskClient } => {
  const config = parseConfiguration(ctx.configuration)
  const helpdesk = createHelpdeskClient(config, {
    retry,
    onRetry: ({ call, attempt, reason }) =>
      logger.forBot().warn(`Helpdesk call ${call} ${reason}; retrying (attempt ${attempt})`),
  })
  return { config, helpdesk }
}
