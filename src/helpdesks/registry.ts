import type * as bp from '../bp'
import { parseConfiguration } from '../config'
import type { RetryPolicy } from '../helpdesk/http'
import { chatwootHelpdesk } from './chatwoot/client'
import { parseChatwootConfiguration } from './chatwoot/config'
import { chatwootWebhookDecoder } from './chatwoot/decode-webhook'
import { contractWebhookDecoder } from './contract/decode-webhook'
import { contractHelpdesk } from './contract/helpdesk'
import type { Helpdesk, WebhookDecoder } from './helpdesk'
import { parseRequestTrackerConfiguration } from './request-tracker/config'
import { requestTrackerHelpdesk } from './request-tracker/helpdesk'

/** The helpdesk of one installation, as its configuration type chose it. */
export type ConnectedHelpdesk = {
  /** Names it in logs and errors, e.g. "the helpdesk at https://…". */
  label: string
  historyLimit: number
  /** Whether the webhook catches up by reading the helpdesk back (a helpdesk that never retries its webhooks). */
  readsBack: boolean
  /**
   * Whether the helpdesk retries a webhook answered 503 after its Retry-After (the contract requires it). One that
   * does not gets the announcement turn back as soon as an assignment is done, so that its next event is not refused.
   */
  retriesWebhooks: boolean
  decodeWebhook: WebhookDecoder
  /** Built on first use: a webhook of a helpdesk that retries needs only the decoder. */
  readonly helpdesk: Helpdesk
}

const connect = (parts: Omit<ConnectedHelpdesk, 'helpdesk'>, build: () => Helpdesk): ConnectedHelpdesk => {
  let built: Helpdesk | undefined
  return {
    ...parts,
    get helpdesk() {
      return (built ??= build())
    },
  }
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
      return connect(
        {
          label: `the helpdesk at ${config.helpdeskUrl}`,
          historyLimit: config.historyLimit,
          readsBack: false,
          retriesWebhooks: true,
          decodeWebhook: contractWebhookDecoder(config.webhookSecret),
        },
        () => contractHelpdesk(config, options)
      )
    }
    case 'chatwoot': {
      const config = parseChatwootConfiguration(ctx.configuration)
      return connect(
        {
          label: `Chatwoot at ${config.chatwootUrl} (account ${config.accountId}, inbox ${config.inboxId})`,
          historyLimit: config.historyLimit,
          readsBack: true,
          retriesWebhooks: false,
          decodeWebhook: chatwootWebhookDecoder(config),
        },
        () => chatwootHelpdesk(config, options)
      )
    }
    case 'requestTracker': {
      const config = parseRequestTrackerConfiguration(ctx.configuration)
      return connect(
        {
          label: `Request Tracker at ${config.requestTrackerUrl} (queue ${config.queue})`,
          historyLimit: config.historyLimit,
          readsBack: false,
          // The scrip posts once, inline; a delivery that failed waits for the ticket's next update.
          retriesWebhooks: false,
          // RT's hitl scrip posts the contract's events, signed the contract's way.
          decodeWebhook: contractWebhookDecoder(config.webhookSecret),
        },
        () => requestTrackerHelpdesk(config, options)
      )
    }
  }
}
