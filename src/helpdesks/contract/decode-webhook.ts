import type { DecodedWebhook, IncomingWebhook } from '../helpdesk'
import { parseEvent } from './parse-event'
import { conversationOfReference } from '../../../contract/reference'
import { verifySignature } from '../../../contract/signature'

/**
 * A webhook of the hitl contract: the Standard Webhooks signature over the raw body first (a forged request is a 401,
 * never confused with a signed body that is not JSON, a 400), then JSON and the schema. The event id defaults to the
 * `webhook-id`. A `reference` that this installation issued names the Botpress conversation. Also used by helpdesk products whose own side posts the contract's events (Request Tracker's scrip).
 */
export const contractWebhookDecoder =
  (webhookSecret: string) =>
  ({ rawBody, headers }: IncomingWebhook): DecodedWebhook => {
    const verification = verifySignature(webhookSecret, rawBody, headers)
    if (!verification.ok) {
      return { ok: false, status: 401, code: 'invalid_signature', message: `Signature check failed: ${verification.reason}` }
    }
    const parsed = parseEvent(rawBody)
    if (!parsed.ok) return { ok: false, status: 400, code: parsed.code, message: parsed.message, issues: parsed.issues }
    const { reference } = parsed.event
    const botpressConversationId = reference === undefined ? undefined : conversationOfReference(webhookSecret, reference)
    return {
      ok: true,
      deliveryId: verification.webhookId,
      ...(botpressConversationId ? { botpressConversationId } : {}),
      events: [{ ...parsed.event, id: parsed.event.id ?? verification.webhookId }],
    }
  }
