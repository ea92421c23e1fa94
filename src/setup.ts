import { RuntimeError } from '@botpress/sdk'
import { randomUUID } from 'node:crypto'
import type * as bp from './bp'
import { HelpdeskError } from './helpdesk/errors'
import { helpdeskFor } from './helpdesk/from-context'

const REGISTER_RETRY = { retries: 2, baseDelayMs: 250, budgetMs: 10_000 }

const advice = (error: HelpdeskError, url: string): string => {
  const { status, code } = error.failure
  if (status === 401 || status === 403) {
    return 'The helpdesk refused the credentials: check that the API token and the webhook signing secret are the ones the helpdesk expects.'
  }
  if (status === 404) {
    return `${url}/health does not exist: check the helpdesk API base URL (the prefix under which /health, /users and /conversations are served).`
  }
  if (status === undefined && code) {
    return `Could not reach ${url}: check the helpdesk API base URL and that the helpdesk is reachable from Botpress.`
  }
  return 'Check that the helpdesk is up and implements GET /health.'
}

/** Checks, when the integration is saved, that the helpdesk is reachable and accepts the credentials. */
export const register: bp.IntegrationProps['register'] = async ({ ctx, logger, webhookUrl }) => {
  const { config, helpdesk } = helpdeskFor(ctx, logger, REGISTER_RETRY)
  try {
    await helpdesk.health(`health-${randomUUID()}`)
  } catch (error) {
    if (!(error instanceof HelpdeskError)) throw error
    throw new RuntimeError(`${error.message}. ${advice(error, config.helpdeskUrl.replace(/\/+$/, ''))}`)
  }
  logger.forBot().info(`Connected to the helpdesk at ${config.helpdeskUrl}; its webhook URL must be ${webhookUrl}`)
}

export const unregister: bp.IntegrationProps['unregister'] = async () => {}
