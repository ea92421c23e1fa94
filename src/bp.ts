import * as sdk from '@botpress/sdk'
import type { z } from '@botpress/sdk'
import type { configurationSchema } from '../definitions/configuration'
import type { configurations as configurationDefinitions } from '../definitions/configurations'
import type { entities as entityDefinitions } from '../definitions/entities'
import type { states as stateDefinitions } from '../definitions/states'
import type { conversationTags, messageTags, userTags } from '../definitions/tags'
import type definition from '../integration.definition'

/*
 * What `bp gen` writes to `.botpress` for this integration, same names and same shapes, so that the project builds
 * without the Botpress CLI. With the CLI, this whole file becomes `export * from '../.botpress'`.
 * test/types.test.ts checks these types against the ones the CLI's schema printer derives from the definition.
 *
 * The interface's parts (hitl@2.1.0: actions, messages, events) are written out; the integration's own parts
 * (configuration, states, entity, tags) are inferred from their schemas, which infer exactly.
 */

/** A tag map as the CLI prints it: each tag's definition, title and description as literals. */
type TagDefinitions<T> = { -readonly [K in keyof T]: { -readonly [P in keyof T[K]]: T[K][P] } }

export declare namespace configuration {
  type Configuration = z.infer<typeof configurationSchema>
}

export declare namespace configurations {
  namespace requestTracker {
    type RequestTrackerConfig = z.infer<(typeof configurationDefinitions)['requestTracker']['schema']>
  }
  namespace chatwoot {
    type ChatwootConfig = z.infer<(typeof configurationDefinitions)['chatwoot']['schema']>
  }
  type Configurations = {
    [K in keyof typeof configurationDefinitions]: z.infer<(typeof configurationDefinitions)[K]['schema']>
  }
}

export declare namespace entities {
  namespace hitlSession {
    type HitlSession = z.infer<(typeof entityDefinitions)['hitlSession']['schema']>
  }
  type Entities = { hitlSession: hitlSession.HitlSession }
}

/** Who wrote a message of the history handed to startHitl. */
type HistorySource = { type: 'user'; userId: string } | { type: 'bot' }

/** The messages Botpress knows, by type: the history of startHitl may hold any of them. */
type HistoryPayloads = {
  text: { text: string }
  image: { imageUrl: string; title?: string }
  audio: { audioUrl: string; title?: string }
  video: { videoUrl: string; title?: string }
  file: { fileUrl: string; title?: string }
  location: { latitude: number; longitude: number; address?: string; title?: string }
  carousel: { items: Array<channels.hitl.CardPayload> }
  card: channels.hitl.CardPayload
  dropdown: { text: string; options: Array<{ label: string; value: string }> }
  choice: { text: string; options: Array<{ label: string; value: string }> }
  bloc: { items: Array<channels.hitl.BlocItem> }
  markdown: { markdown: string }
}

export declare namespace actions {
  namespace createUser {
    namespace input {
      type Input = {
        /** Display name of the end user */
        name: string
        /** URL of the end user avatar */
        pictureUrl?: string
        /** Email address of the end user */
        email?: string
      }
    }
    namespace output {
      type Output = {
        /** ID of the Botpress user representing the end user */
        userId: string
      }
    }
    type CreateUser = { input: input.Input; output: output.Output }
  }
  namespace startHitl {
    namespace input {
      type Input = {
        /** ID of the Botpress user representing the end user (as returned by createUser) */
        userId: string
        /** Title of the HITL session */
        title?: string
        /** Description of the HITL session */
        description?: string
        /** Routing fields chosen by the bot: the integration's hitlSession entity */
        hitlSession?: entities.hitlSession.HitlSession
        /** Message history to display in the HITL session */
        messageHistory: Array<
          { [T in keyof HistoryPayloads]: { source: HistorySource; type: T; payload: HistoryPayloads[T] } }[keyof HistoryPayloads]
        >
      }
    }
    namespace output {
      type Output = {
        /** ID of the Botpress conversation representing the HITL session */
        conversationId: string
      }
    }
    type StartHitl = { input: input.Input; output: output.Output }
  }
  namespace stopHitl {
    namespace input {
      type Input = {
        /** ID of the Botpress conversation representing the HITL session */
        conversationId: string
      }
    }
    namespace output {
      type Output = {}
    }
    type StopHitl = { input: input.Input; output: output.Output }
  }
  type Actions = { createUser: createUser.CreateUser; startHitl: startHitl.StartHitl; stopHitl: stopHitl.StopHitl }
}

export declare namespace channels {
  namespace hitl {
    type CardPayload = {
      title: string
      subtitle?: string
      imageUrl?: string
      actions: Array<{ action: 'postback' | 'url' | 'say'; label: string; value: string }>
    }
    type BlocItem =
      | { type: 'text'; payload: { text: string } }
      | { type: 'image'; payload: { imageUrl: string; title?: string } }
      | { type: 'audio'; payload: { audioUrl: string; title?: string } }
      | { type: 'video'; payload: { videoUrl: string; title?: string } }
      | { type: 'file'; payload: { fileUrl: string; title?: string } }
      | { type: 'location'; payload: { latitude: number; longitude: number; address?: string; title?: string } }
      | { type: 'markdown'; payload: { markdown: string } }
    // each message also has the interface's `userId` (send as that user) and `additionalData` (at most 500 characters)
    namespace text {
      type Text = { text: string; userId?: string; additionalData?: string }
    }
    namespace image {
      type Image = { imageUrl: string; title?: string; userId?: string; additionalData?: string }
    }
    namespace audio {
      type Audio = { audioUrl: string; title?: string; userId?: string; additionalData?: string }
    }
    namespace video {
      type Video = { videoUrl: string; title?: string; userId?: string; additionalData?: string }
    }
    namespace file {
      type File = { fileUrl: string; title?: string; userId?: string; additionalData?: string }
    }
    namespace bloc {
      type Bloc = { items: Array<BlocItem>; userId?: string; additionalData?: string }
    }
    type Messages = {
      text: text.Text
      image: image.Image
      audio: audio.Audio
      video: video.Video
      file: file.File
      bloc: bloc.Bloc
    }
    type Hitl = {
      messages: Messages
      message: { tags: TagDefinitions<typeof messageTags> }
      conversation: {
        tags: TagDefinitions<typeof conversationTags>
        creation: { enabled: false; requiredTags: [] }
      }
    }
  }
  type Channels = { hitl: hitl.Hitl }
}

export declare namespace events {
  namespace hitlAssigned {
    type HitlAssigned = {
      /** ID of the Botpress conversation representing the HITL session */
      conversationId: string
      /** ID of the Botpress user representing the human agent assigned to the HITL session */
      userId: string
    }
  }
  namespace hitlStopped {
    type HitlStopped = {
      /** ID of the Botpress conversation representing the HITL session */
      conversationId: string
    }
  }
  type Events = { hitlAssigned: hitlAssigned.HitlAssigned; hitlStopped: hitlStopped.HitlStopped }
}

export declare namespace states {
  type States = {
    [K in keyof typeof stateDefinitions]: {
      type: (typeof stateDefinitions)[K]['type']
      payload: z.infer<(typeof stateDefinitions)[K]['schema']>
    }
  }
}

export type TIntegration = {
  name: (typeof definition)['name']
  version: (typeof definition)['version']
  user: { tags: TagDefinitions<typeof userTags>; creation: { enabled: false; requiredTags: [] } }
  configuration: configuration.Configuration
  configurations: configurations.Configurations
  actions: actions.Actions
  channels: channels.Channels
  events: events.Events
  states: states.States
  entities: entities.Entities
}

type DefaultedIntegration = sdk.DefaultIntegration<TIntegration>

export type IntegrationProps = sdk.IntegrationProps<DefaultedIntegration>

export class Integration extends sdk.Integration<DefaultedIntegration> {}

export type Client = sdk.IntegrationSpecificClient<DefaultedIntegration>

type Cast<X, Y> = X extends Y ? X : Y
type ValueOf<T> = T[keyof T]
type AsyncFunction = (...args: never[]) => Promise<unknown>

export type HandlerProps = Parameters<IntegrationProps['handler']>[0]
export type Context = HandlerProps['ctx']
export type Logger = HandlerProps['logger']
export type CommonHandlerProps = { ctx: Context; client: Client; logger: Logger }

export type ActionProps = {
  [K in keyof IntegrationProps['actions']]: Parameters<IntegrationProps['actions'][K]>[0]
}
export type AnyActionProps = ValueOf<ActionProps>

export type MessageProps = {
  [TChannel in keyof IntegrationProps['channels']]: {
    [TMessage in keyof IntegrationProps['channels'][TChannel]['messages']]: Parameters<
      IntegrationProps['channels'][TChannel]['messages'][TMessage]
    >[0]
  }
}
export type AnyMessageProps = ValueOf<ValueOf<MessageProps>>

export type AckFunctions = {
  [TChannel in keyof MessageProps]: {
    [TMessage in keyof MessageProps[TChannel]]: Cast<MessageProps[TChannel][TMessage], AnyMessageProps>['ack']
  }
}
export type AnyAckFunction = ValueOf<ValueOf<AckFunctions>>

export type ClientOperation = ValueOf<{ [K in keyof Client as Client[K] extends AsyncFunction ? K : never]: K }>
export type ClientRequests = { [K in ClientOperation]: Parameters<Client[K]>[0] }
export type ClientResponses = { [K in ClientOperation]: Awaited<ReturnType<Client[K]>> }

/** `bp gen` also writes the integration's secrets; this integration declares none. */
export const secrets = {}
