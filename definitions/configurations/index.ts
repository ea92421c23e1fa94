import type { IntegrationDefinitionProps } from '@botpress/sdk'
import { chatwootConfiguration } from './chatwoot'

/*
 * Helpdesk products connected by configuration alone: each is an additional configuration type (the Dev Console
 * shows a picker), read at run time as `ctx.configurationType`. The default configuration is the hitl contract.
 */
export const configurations = {
  chatwoot: chatwootConfiguration,
} satisfies NonNullable<IntegrationDefinitionProps['configurations']>
