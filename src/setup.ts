import type * as bp from './bp'
import { helpdeskFor } from './helpdesks/registry'

const REGISTER_RETRY = { retries: 2, baseDelayMs: 250, budgetMs: 10_000 }

/** Checks, when the integration is saved, that the helpdesk is reachable and accepts the configuration. */
export const register: bp.IntegrationProps['register'] = async ({ ctx, logger, webhookUrl }) => {
  const { label, helpdesk } = helpdeskFor(ctx, logger, REGISTER_RETRY)
  await helpdesk.checkConnection()
  logger.forBot().info(`Connected to ${label}; its webhook URL must be ${webhookUrl}`)
}

export const unregister: bp.IntegrationProps['unregister'] = async () => {}
