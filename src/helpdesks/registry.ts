import type * as bp from '../bp'
import { parseConfiguration } from '../config'
import type { RetryPolicy } from '../helpdesk/http'
import { chatwootHelpdesk } from './chatwoot/client'
import { parseChatwootConfiguration } from './chatwoot/config'
import { chatwootWebhookDecoder } from './chatwoot/decode-webhook'
import { contractWebhookDecoder } from './contract/decode-webhook'
import { contractHelpdesk } from './contract/helpdesk'
import type { Helpdesk, WebhookDecoder } from './helpdesk'

/** The helpdesk of one installation, as its configuration type chose it. */
export type ConnectedHelpdesk = {
  /** Names it in logs and errors, e.g. "the helpdesk at https://…". */
  label: string
  historyLimit: number
  helpdesk: Helpdesk
  decodeWebhook: WebhookDecoder
}

/**
 * The helpdesk for one operation, chosen by `ctx.configurationType` (null: the hitl contract). Adding a product is a
 * folder under src/helpdesks/ and one case here. Retries are logged where the bot builder sees them.
 */
export const helpdeskFor = (ctx: bp.Context, logger: bp.Logger, retry?: RetryPolicy): ConnectedHelpdesk => {
  const options = {
    retry,
    onRetry: ({ call, attempt, reason }: { call: string; attempt: number; reason: string }) =>
      logger.forBot().warn(`Helpdesk call ${call} ${reason}; retrying (attempt ${attempt})`),
  }
  switch (ctx.configurationType) {
    case null: {
      const config = parseConfiguration(ctx.configuration)
      return {
        label: `the helpdesk at ${config.helpdeskUrl}`,
        historyLimit: config.historyLimit,
        helpdesk: contractHelpdesk(config, options),
        decodeWebhook: contractWebhookDecoder(config.webhookSecret),
      }
    }
    case 'chatwoot': {
      const config = parseChatwootConfiguration(ctx.configuration)
      return {
        label: `Chatwoot at ${config.chatwootUrl} (account ${config.accountId}, inbox ${config.inboxId})`,
        historyLimit: config.historyLimit,
        helpdesk: chatwootHelpdesk(config, options),
        decodeWebhook: chatwootWebhookDecoder(config),
      }
    }
  }
}
