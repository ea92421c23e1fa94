import { Webhook } from 'standardwebhooks'
import { boundedCache } from './bounded-cache'

const signers = boundedCache<Webhook>()

/** The Standard Webhooks signer/verifier of a secret, decoded once and reused across requests. */
export const webhookFor = (secret: string): Webhook => signers(secret, () => new Webhook(secret))
