import type { Response } from '@botpress/sdk'
import type * as bp from './bp'
import type { WebhookEvent } from './contract/webhook-events'
import { helpdeskFor, type ConnectedHelpdesk } from './helpdesks/registry'
import { dispatch } from './webhook/dispatch'
import { fail, ok } from './webhook/respond'

const MAX_BODY_BYTES = 1024 * 1024

/** Header names in lower case, so that `Webhook-Id` and `webhook-id` are one header. */
const lowerCaseHeaders = (headers: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))

/*
 * The helpdesk's webhook: method and size, then the configured helpdesk authenticates and decodes the request into
 * the contract's events, then each event is processed. Every answer is built here: an error escaping to the SDK
 * would become a 400, which tells the helpdesk not to retry, so a Botpress failure is answered 503 instead.
 */
export const handler: bp.IntegrationProps['handler'] = async ({ req, client, ctx, logger }): Promise<Response> => {
  const log = logger.forBot()
  if (req.method.toUpperCase() !== 'POST') {
    return fail(405, 'method_not_allowed', 'Send hitl events with POST', { headers: { allow: 'POST' } })
  }
  const rawBody = req.body ?? ''
  if (Buffer.byteLength(rawBody, 'utf8') > MAX_BODY_BYTES) {
    return fail(413, 'body_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes`)
  }

  let connected: ConnectedHelpdesk
  try {
    connected = helpdeskFor(ctx, logger)
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error))
    return fail(500, 'integration_misconfigured', 'The hitl integration is misconfigured; its admin was told what to fix')
  }

  const decoded = await connected.decodeWebhook({ method: req.method, headers: lowerCaseHeaders(req.headers), rawBody })
  if (!decoded.ok) {
    log.warn(`Refused a webhook request: ${decoded.message}`)
    return fail(decoded.status, decoded.code, decoded.message, { issues: decoded.issues })
  }
  if (decoded.events.length === 0) return ok()

  let duplicates = 0
  for (const event of decoded.events) {
    const response = await processEvent(client, log, event)
    if ((response.status ?? 200) >= 300) return response
    if (response.body?.includes('"duplicate":true')) duplicates++
  }
  return ok(duplicates === decoded.events.length)
}

const processEvent = async (client: bp.Client, log: ReturnType<bp.Logger['forBot']>, event: WebhookEvent) => {
  try {
    const response = await dispatch(client, event)
    log.info(`Webhook ${event.type} ${event.id} for conversation ${event.conversationId}: ${response.status} ${response.body}`)
    return response
  } catch (error) {
    log.error(
      `Could not process webhook ${event.type} ${event.id}: ${error instanceof Error ? error.message : String(error)}`
    )
    return fail(503, 'botpress_unavailable', 'Botpress could not process the event now; retry later', {
      headers: { 'retry-after': '5' },
    })
  }
}
