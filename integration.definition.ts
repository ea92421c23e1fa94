import { IntegrationDefinition } from '@botpress/sdk'
import {
  configuration,
  configurations,
  conversationTags,
  entities,
  hitlInterfacePackage,
  messageTags,
  states,
  userTags,
} from './definitions'

export default new IntegrationDefinition({
  name: 'hitl',
  version: '0.1.0',
  title: 'Human in the loop (any helpdesk)',
  description:
    'Hands conversations to human agents in any helpdesk that implements a small signed REST + webhook contract',
  icon: 'icon.svg',
  readme: 'hub.md',
  configuration,
  configurations,
  entities,
  states,
  user: { tags: userTags },
  __advanced: {
    // src/ imports axios as ESM while @botpress/client requires its CommonJS build: one copy in the bundle, not two.
    esbuild: { alias: { axios: 'axios/dist/node/axios.cjs' } },
  },
}).extend(hitlInterfacePackage, ({ entities }) => ({
  entities: { hitlSession: entities.hitlSession },
  events: {
    hitlAssigned: {
      title: 'Human agent assigned',
      description: 'A human agent of the helpdesk took the conversation',
    },
    hitlStopped: {
      title: 'HITL session stopped',
      description: 'The helpdesk closed the conversation; the bot takes over again',
    },
  },
  channels: {
    hitl: {
      title: 'Helpdesk conversation',
      description: 'The conversation (ticket) in the helpdesk in which the end user talks with a human agent',
      conversation: { tags: conversationTags },
      message: { tags: messageTags },
    },
  },
}))
