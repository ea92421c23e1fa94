import { createHash } from 'node:crypto'

/*
 * A delivery is identified by its `webhook-id` (Standard Webhooks: the same on every redelivery). Botpress keeps a
 * short digest of it in tags: tag values stay small whatever the helpdesk's id looks like, and a collision between
 * two deliveries of one conversation (1 in 2^64 per pair) is not a practical concern.
 */
export const MAX_WEBHOOK_ID_LENGTH = 256

export type Delivery = {
  /** Digest of the delivery's webhook-id (and the event's index when one request carries several events). */
  key: string
  /** The Botpress conversation of the event, when the helpdesk echoed a reference this installation issued. */
  botpressConversationId?: string
  /** The announcement turn is given back when done: the helpdesk would not retry an event answered "in progress". */
  giveBackTurn?: boolean
}

export const deliveryKey = (webhookId: string, index?: number): string =>
  createHash('sha256')
    .update(index === undefined ? webhookId : `${webhookId}\u0000${index}`)
    .digest('base64url')
    .slice(0, 11)
