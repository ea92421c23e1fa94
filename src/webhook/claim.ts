import { randomUUID } from 'node:crypto'
import type * as bp from '../bp'

/*
 * An announcement (hitlAssigned, hitlStopped) must reach the bot once even when the helpdesk delivers the same event
 * twice at the same moment. getOrSetState is atomic: the request whose random nonce comes back holds the claim.
 * The claim expires when idle, so a request that dies half-way does not block the helpdesk's retry for ever; once
 * the announcement is made, a conversation tag remembers it for good.
 */

const CLAIM_EXPIRY_MS = 60_000

export type ClaimName = 'assignmentClaim' | 'closeClaim'
export type Claim = { won: boolean; release: () => Promise<void> }

export const claimAnnouncement = async (
  client: bp.Client,
  conversationId: string,
  name: ClaimName,
  key: string
): Promise<Claim> => {
  const nonce = randomUUID()
  const ref = { type: 'conversation', id: conversationId, name } as const
  const { state } = await client.getOrSetState({ ...ref, payload: { key, nonce }, expiry: CLAIM_EXPIRY_MS })
  let won = state.payload.nonce === nonce
  if (!won && state.payload.key !== key) {
    // A claim for an earlier announcement (another agent): this one is new.
    await client.setState({ ...ref, payload: { key, nonce }, expiry: CLAIM_EXPIRY_MS })
    won = true
  }
  return {
    won,
    release: async () => {
      if (won) await client.setState({ ...ref, payload: null }).catch(() => undefined)
    },
  }
}
