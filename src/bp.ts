import type * as sdk from '@botpress/sdk'
import type { z } from '@botpress/sdk'
import type { configurationSchema } from '../definitions/configuration'
import type { configurations } from '../definitions/configurations'
import type { hitlInterface } from '../definitions/interfaces/hitl'
import type { states } from '../definitions/states'
import type { conversationTags, messageTags, userTags } from '../definitions/tags'
import type { SessionFields } from './contract/helpdesk-api'

/*
 * The types the Botpress CLI would generate in `.botpress` (`bp.*`), derived from the definitions so that the project
 * type-checks without the CLI: `sdk.Integration<sdk.DefaultIntegration<TIntegration>>`.
 */

type Schema<S> = S extends z.ZodTypeAny ? z.infer<S> : never
type Tags<T> = { [K in keyof T]: string }

type InterfaceProps = typeof hitlInterface.props
type InterfaceActions = NonNullable<InterfaceProps['actions']>
type ActionInput<K extends keyof InterfaceActions> = Schema<ReturnType<InterfaceActions[K]['input']['schema']>>
type ActionOutput<K extends keyof InterfaceActions> = Schema<ReturnType<InterfaceActions[K]['output']['schema']>>

type HitlMessages = NonNullable<InterfaceProps['channels']>['hitl']['messages']
type InterfaceEvents = NonNullable<InterfaceProps['events']>

export type TIntegration = {
  name: 'hitl'
  version: string
  user: { tags: Tags<typeof userTags> }
  configuration: z.input<typeof configurationSchema>
  configurations: { [K in keyof typeof configurations]: z.input<(typeof configurations)[K]['schema']> }
  actions: {
    createUser: { input: ActionInput<'createUser'>; output: ActionOutput<'createUser'> }
    startHitl: {
      input: Omit<ActionInput<'startHitl'>, 'hitlSession'> & { hitlSession?: SessionFields }
      output: ActionOutput<'startHitl'>
    }
    stopHitl: { input: ActionInput<'stopHitl'>; output: ActionOutput<'stopHitl'> }
  }
  channels: {
    hitl: {
      messages: { [K in keyof HitlMessages]: Schema<ReturnType<HitlMessages[K]['schema']>> }
      message: { tags: Tags<typeof messageTags> }
      conversation: { tags: Tags<typeof conversationTags> }
    }
  }
  events: { [K in keyof InterfaceEvents]: Schema<ReturnType<InterfaceEvents[K]['schema']>> }
  states: { [K in keyof typeof states]: { type: (typeof states)[K]['type']; payload: z.infer<(typeof states)[K]['schema']> } }
  entities: { hitlSession: SessionFields }
}

export type Integration = sdk.DefaultIntegration<TIntegration>
export type IntegrationProps = sdk.IntegrationProps<Integration>
export type Client = sdk.IntegrationSpecificClient<Integration>
export type Logger = sdk.IntegrationLogger
export type Context = sdk.IntegrationContext<Integration>
export type ActionProps = { [K in keyof TIntegration['actions']]: Parameters<IntegrationProps['actions'][K]>[0] }
export type HitlMessageType = keyof TIntegration['channels']['hitl']['messages']
export type MessageProps = {
  [K in HitlMessageType]: Parameters<IntegrationProps['channels']['hitl']['messages'][K]>[0]
}
