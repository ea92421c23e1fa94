import { z, type IntegrationDefinitionProps } from '@botpress/sdk'

/*
 * Announcements to the bot (hitlAssigned, hitlStopped) of one conversation are decided one at a time, under a
 * short-lived lock, so that concurrent or redelivered webhooks announce each thing once.
 */
export const states = {
  announcementLock: {
    type: 'conversation',
    schema: z.object({
      key: z
        .string()
        .title('Key')
        .describe('What the holder is announcing: "closed", or "agent:<helpdesk agent id>" for an assignment'),
      nonce: z.string().title('Nonce').describe('Random mark of the webhook request that holds the lock'),
    }),
  },
  assignmentEvents: {
    type: 'conversation',
    schema: z.object({
      ids: z
        .array(z.string())
        .title('Assignment event ids')
        .describe('Ids of the last 100 agent.assigned events processed, so that a late redelivery is not announced again'),
    }),
  },
} satisfies IntegrationDefinitionProps['states']
