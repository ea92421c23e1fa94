import { z, type IntegrationDefinitionProps } from '@botpress/sdk'

/*
 * Announcements to the bot (hitlAssigned, hitlStopped) of one conversation are decided one at a time. The turn is
 * taken with getOrSetState, which is atomic: the request whose token comes back holds it. An assignment's turn lapses
 * after a short lease that its holder renews while it works, so it never lapses under a live holder; a close's turn is
 * kept, and its lease says whether its holder is still at work. The recovery turn lets one redelivery finish a close
 * whose holder stopped before announcing.
 */
const turnSchema = z.object({
  token: z.string().title('Token').describe('Random mark of the webhook request that holds the turn'),
  delivery: z
    .string()
    .title('Delivery')
    .describe('Digest of the webhook-id of the delivery being processed, so that its redelivery is told to wait'),
  kind: z.enum(['assignment', 'close']).title('Kind').describe('What the holder is announcing'),
  leaseUntil: z
    .number()
    .title('Lease until')
    .describe('Until when (epoch milliseconds) the holder is known to be at work; it renews the lease while it works'),
})

export const states = {
  turn: { type: 'conversation', schema: turnSchema },
  recovery: { type: 'conversation', schema: turnSchema },
} satisfies IntegrationDefinitionProps['states']
