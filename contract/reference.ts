import { createHmac, timingSafeEqual } from 'node:crypto'

/*
 * A conversation's reference: the Botpress conversation id with a MAC made with the installation's webhook secret.
 * The integration sends it when it opens a conversation; a helpdesk that echoes it in its webhooks spares the
 * integration the lookup of the conversation by the helpdesk's id (one Botpress call per assignment or close). The MAC makes a
 * reference usable only by the installation that issued it: an echo that does not verify (another installation's,
 * a mangled one, one issued before the secret changed) is ignored and the conversation is looked up by id instead.
 */

const MAC_LENGTH = 22 // base64url characters: 132 bits

const macOf = (secret: string, conversationId: string) =>
  createHmac('sha256', secret).update(`hitl-reference\n${conversationId}`).digest('base64url').slice(0, MAC_LENGTH)

/** The reference of a Botpress conversation, for the installation whose webhook secret is `secret`. */
export const referenceFor = (secret: string, conversationId: string): string => `${conversationId}.${macOf(secret, conversationId)}`

/** The Botpress conversation id a reference names, or undefined when it was not issued with `secret`. */
export const conversationOfReference = (secret: string, reference: string): string | undefined => {
  const dot = reference.lastIndexOf('.')
  if (dot <= 0) return undefined
  const conversationId = reference.slice(0, dot)
  const expected = Buffer.from(macOf(secret, conversationId))
  const given = Buffer.from(reference.slice(dot + 1))
  return given.length === expected.length && timingSafeEqual(given, expected) ? conversationId : undefined
}
