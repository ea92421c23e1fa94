import { z, type IntegrationDefinitionProps } from '@botpress/sdk'

/*
 * Announcements to the bot (hitlAssigned, hitlStopped) of one conversation are decided one at a time. The turn is
 * taken with getOrSetState, which is atomic: the request whose token comes back holds it. It is given back only by
 * its holder, after a failure; otherwise it lapses after a short lease that the holder renews while it works, so it
 * never lapses under a live holder.
 */
export const states = {
  turn: {
    type: 'conversation',
    schema: z.object({
      token: z.string().title('Token').describe('Random mark of the webhook request that holds the turn'),
      delivery: z
        .string()
        .title('Delivery')
        .describe('Digest of the webhook-id of the delivery being processed, so that its redelivery is told to wait'),
      kind: z.enum(['assignment', 'close']).title('Kind').describe('What the holder is announcing'),
    }),
  },
} satisfies IntegrationDefinitionProps['states']
