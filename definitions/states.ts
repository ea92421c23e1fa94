import { z, type IntegrationDefinitionProps } from '@botpress/sdk'

const claimSchema = z.object({
  key: z
    .string()
    .title('Key')
    .describe('What is being announced: "closed", or "agent:<helpdesk agent id>" for an assignment'),
  nonce: z.string().title('Nonce').describe('Random mark of the webhook request that holds the claim'),
})

/* Short-lived claims that make each announcement to the bot happen once under concurrent duplicate webhooks. */
export const states = {
  assignmentClaim: { type: 'conversation', schema: claimSchema },
  closeClaim: { type: 'conversation', schema: claimSchema },
} satisfies IntegrationDefinitionProps['states']
