import type { Response } from '@botpress/sdk'
import type * as bp from './bp'
import type { WebhookEvent } from '../contract/webhook-events'
import { classify } from './failures/classify'
import { helpdeskFor, type ConnectedHelpdesk } from './helpdesks/registry'
import { duplicate, failureAnswer, isDuplicate, processed, refuse, toResponse, type Answer } from './webhook/answers'
import { CATCH_UP_RETRY, caughtUpKey, catchUpQuietly, messageDelivery, onceMoreIfInProgress } from './webhook/catch-up'
import { deliveryKey, MAX_WEBHOOK_ID_LENGTH, type Delivery } from './webhook/delivery'
import { dispatch } from './webhook/dispatch'
import { unsafeUrls } from './webhook/url-rule'

const MAX_BODY_BYTES = 1024 * 1024

/** Header names in lower case, so that `Webhook-Id` and `webhook-id` are one header. */
const lowerCaseHeaders = (headers: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))

type Log = ReturnType<bp.Logger['forBot']>

/*
 * The helpdesk's webhook: method and size, then the configured helpdesk authenticates and decodes the request into
 * the contract's events, then each event is processed. Every answer is built in src/webhook/answers.ts: an error
 * escaping to the SDK would become a 400, which tells the helpdesk not to retry, so every failure is classified.
 */
export const handler: bp.IntegrationProps['handler'] = async ({ req, client, ctx, logger }): Promise<Response> => {
  const log = logger.forBot()
  return toResponse(await answer({ req, client, ctx, log, logger }))
}

type HandlerProps = Parameters<bp.IntegrationProps['handler']>[0]

const answer = async ({ req, client, ctx, log, logger }: Pick<HandlerProps, 'req' | 'client' | 'ctx' | 'logger'> & { log: Log }): Promise<Answer> => {
  if (req.method.toUpperCase() !== 'POST') {
    return refuse(405, 'method_not_allowed', 'Send hitl events with POST', { headers: { allow: 'POST' } })
  }
  const rawBody = req.body ?? ''
  if (Buffer.byteLength(rawBody, 'utf8') > MAX_BODY_BYTES) {
    return refuse(413, 'body_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes`)
  }

  let connected: ConnectedHelpdesk
  try {
    connected = helpdeskFor(ctx, logger)
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error))
    return refuse(500, 'integration_misconfigured', 'The hitl integration is misconfigured; its admin was told what to fix')
  }

  const decoded = await connected.decodeWebhook({ method: req.method, headers: lowerCaseHeaders(req.headers), rawBody })
  if (!decoded.ok) {
    log.warn(`Refused a webhook request: ${decoded.message}`)
    return refuse(decoded.status, decoded.code, decoded.message, { issues: decoded.issues })
  }
  if (decoded.deliveryId.length > MAX_WEBHOOK_ID_LENGTH) {
    return refuse(400, 'invalid_webhook_id', `The webhook-id is longer than ${MAX_WEBHOOK_ID_LENGTH} characters; nothing was created`)
  }
  if (decoded.events.length === 0 && !decoded.ticketId) return processed()
  const issues = decoded.events.flatMap(unsafeUrls)
  if (issues.length > 0) {
    return refuse(400, 'invalid_event', 'The event holds a URL that is not http(s): see `issues`; nothing was created', {
      issues,
    })
  }

  // a helpdesk that never retries: first relay what earlier, lost deliveries of this conversation carried
  const caughtUp =
    connected.readsBack && decoded.ticketId
      ? await catchUpQuietly(client, helpdeskFor(ctx, logger, CATCH_UP_RETRY).helpdesk, decoded.ticketId, log)
      : new Set<string>()
  const events = [...decoded.events.entries()].filter(([, event]) => !caughtUp.has(caughtUpKey(event)))
  if (events.length === 0) return processed()

  let duplicates = 0
  for (const [index, event] of events) {
    // One event per request (the contract): the delivery is the webhook-id. Several: each is its own delivery.
    // A message of a helpdesk that never retries may come twice, by webhook and read back: its id is the delivery.
    const delivery = {
      ...(connected.readsBack && event.type === 'message.created'
        ? messageDelivery(event.message.id)
        : { key: deliveryKey(decoded.deliveryId, decoded.events.length === 1 ? undefined : index) }),
      botpressConversationId: decoded.botpressConversationId,
      giveBackTurn: !connected.retriesWebhooks,
    }
    const result = connected.readsBack
      ? await onceMoreIfInProgress(() => processEvent(client, log, event, delivery))
      : await processEvent(client, log, event, delivery)
    if (result.status >= 300) return result
    if (isDuplicate(result)) duplicates++
  }
  return duplicates === events.length ? duplicate() : processed()
}

const processEvent = async (client: bp.Client, log: Log, event: WebhookEvent, delivery: Delivery): Promise<Answer> => {
  const what = `webhook ${event.type} ${event.id} for conversation ${event.conversationId}`
  try {
    const result = await dispatch(client, event, delivery)
    log.info(`${what}: ${result.status} ${JSON.stringify(result.body)}`)
    return result
  } catch (error) {
    const failure = classify(error)
    const result = failureAnswer(failure)
    const line = `Could not process ${what} (${failure.kind}, answered ${result.status}): ${failure.message}`
    if (failure.kind === 'bug' || failure.kind === 'invalid_answer') log.error(line)
    else log.warn(line)
    return result
  }
}
