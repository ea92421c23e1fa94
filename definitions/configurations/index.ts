import type { IntegrationDefinitionProps } from '@botpress/sdk'
import { requestTracker } from './request-tracker'

/*
 * Helpdesk products connected by configuration alone: each is an additional configuration type (the Dev Console
 * shows a picker), read at run time as `ctx.configurationType`. The default configuration is the hitl contract.
 */
export const configurations = { requestTracker } satisfies NonNullable<IntegrationDefinitionProps['configurations']>
