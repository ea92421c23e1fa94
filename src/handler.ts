import type { Response } from '@botpress/sdk'
import type * as bp from './bp'
import { parseConfiguration, type Config } from './config'
import { dispatch } from './webhook/dispatch'
import { parseEvent } from './webhook/parse-event'
import { fail } from './webhook/respond'
import { verifySignature } from './webhook/verify-signature'

const MAX_BODY_BYTES = 1024 * 1024

/*
 * The helpdesk's webhook: method and size, then the signature over the raw body, then JSON and the schema, then the
 * event. Every answer is built here: an error escaping to the SDK would become a 400, which tells the helpdesk not to
 * retry, so a Botpress failure is answered 503 instead.
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

  let config: Config
  try {
    config = parseConfiguration(ctx.configuration)
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error))
    return fail(500, 'integration_misconfigured', 'The hitl integration is misconfigured; its admin was told what to fix')
  }

  const verification = verifySignature(config.webhookSecret, rawBody, req.headers)
  if (!verification.ok) {
    log.warn(`Refused a webhook request: ${verification.reason}`)
    return fail(401, 'invalid_signature', `Signature check failed: ${verification.reason}`)
  }

  const parsed = parseEvent(rawBody)
  if (!parsed.ok) {
    log.warn(`Refused webhook ${verification.webhookId}: ${parsed.message}`)
    return fail(400, parsed.code, parsed.message, { issues: parsed.issues })
  }
  const event = { ...parsed.event, id: parsed.event.id ?? verification.webhookId }

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
