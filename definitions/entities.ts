import type { IntegrationDefinitionProps } from '@botpress/sdk'
import { sessionSchema } from '../contract/helpdesk-api'

export const entities = {
  hitlSession: {
    title: 'HITL session',
    description: 'How the helpdesk should route the ticket: priority, tags, queue, requester overrides, custom fields',
    schema: sessionSchema,
  },
} satisfies IntegrationDefinitionProps['entities']
