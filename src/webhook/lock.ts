import { randomUUID } from 'node:crypto'
import type * as bp from '../bp'

/*
 * Announcements of one conversation are made one at a time: getOrSetState is atomic, and the request whose nonce
 * comes back holds the lock. Inside it, the handler reads the conversation afresh and checks the event log, so that
 * what it decides (announce, duplicate, 409) follows what was really announced. A lock whose release failed expires.
 */
// A holder needs well under a second (a few Botpress calls); a lock left by a failed release expires soon enough for
// the waiting request to take it over rather than fail.
const LOCK_EXPIRY_MS = 5_000
const WAIT_STEP_MS = 50
const MAX_WAIT_MS = 6_000

export class ConversationBusy extends Error {}

export const withAnnouncementLock = async <T>(
  client: bp.Client,
  conversationId: string,
  key: string,
  fn: () => Promise<T>
): Promise<T> => {
  const nonce = randomUUID()
  const ref = { type: 'conversation', id: conversationId, name: 'announcementLock' } as const
  const started = Date.now()
  for (;;) {
    const { state } = await client.getOrSetState({ ...ref, payload: { key, nonce }, expiry: LOCK_EXPIRY_MS })
    if (state.payload.nonce === nonce) break
    if (Date.now() - started > MAX_WAIT_MS) throw new ConversationBusy(`conversation ${conversationId} is busy`)
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS + Math.random() * WAIT_STEP_MS))
  }
  try {
    return await fn()
  } finally {
    await client.setState({ ...ref, payload: null }).catch(() => undefined)
  }
}
