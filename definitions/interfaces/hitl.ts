import { InterfaceDefinition, messages, WELL_KNOWN_ATTRIBUTES, z, type InterfacePackage } from '@botpress/sdk'

/*
 * The hitl interface as Botpress Hub publishes it (hitl@2.1.0). Declared here, field for field, so that the
 * project builds without the Botpress CLI; `bp deploy` binds the integration to the Hub's copy by name and version.
 */

const withHitlExtras = <S extends z.AnyZodObject>(schema: S) =>
  schema.extend({
    userId: z.string().optional().describe('Allows sending a message pretending to be a certain user'),
    additionalData: z
      .string()
      .max(500)
      .optional()
      .describe('Additional data for custom integrations, encoded in a string'),
  })

const hitlSessionId = () =>
  z.string().title('HITL session ID').describe('ID of the Botpress conversation representing the HITL session')

const messageSourceSchema = z.union([
  z.object({ type: z.literal('user'), userId: z.string() }),
  z.object({ type: z.literal('bot') }),
])

const historyMessageTypes = {
  ...messages.defaults,
  markdown: messages.markdown,
  bloc: messages.markdownBloc,
}

type Tuple<T> = [T, T, ...T[]]
const historyMessageSchema = z.union(
  Object.entries(historyMessageTypes).map(([type, definition]) =>
    z.object({ source: messageSourceSchema, type: z.literal(type), payload: definition.schema })
  ) as unknown as Tuple<z.AnyZodObject>
)

export const hitlInterface = new InterfaceDefinition({
  name: 'hitl',
  version: '2.1.0',
  entities: {
    hitlSession: {
      title: 'HITL session',
      description: 'A HITL session, often referred to as a ticket or conversation in external systems',
      schema: z.object({}),
    },
  },
  events: {
    hitlAssigned: {
      attributes: { ...WELL_KNOWN_ATTRIBUTES.HIDDEN_IN_STUDIO },
      schema: () =>
        z.object({
          conversationId: hitlSessionId(),
          userId: z
            .string()
            .title('Human agent user ID')
            .describe('ID of the Botpress user representing the human agent assigned to the HITL session'),
        }),
    },
    hitlStopped: {
      attributes: { ...WELL_KNOWN_ATTRIBUTES.HIDDEN_IN_STUDIO },
      schema: () =>
        z.object({
          conversationId: hitlSessionId(),
        }),
    },
  },
  actions: {
    createUser: {
      title: 'Create external user',
      description: 'Create an end user in the external service and in Botpress',
      attributes: { ...WELL_KNOWN_ATTRIBUTES.HIDDEN_IN_STUDIO },
      input: {
        schema: () =>
          z.object({
            name: z.string().title('Display name').describe('Display name of the end user'),
            pictureUrl: z.string().optional().title('Picture URL').describe('URL of the end user avatar'),
            email: z.string().optional().title('Email address').describe('Email address of the end user'),
          }),
      },
      output: {
        schema: () =>
          z.object({
            userId: z.string().title('Botpress user ID').describe('ID of the Botpress user representing the end user'),
          }),
      },
    },
    startHitl: {
      title: 'Start new HITL session',
      description: 'Create a new HITL session in the external service and in Botpress',
      attributes: { ...WELL_KNOWN_ATTRIBUTES.HIDDEN_IN_STUDIO },
      input: {
        schema: ({ hitlSession }) =>
          z.object({
            userId: z
              .string()
              .title('User ID')
              .describe('ID of the Botpress user representing the end user (as returned by createUser)'),
            title: z.string().optional().title('Title').describe('Title of the HITL session'),
            description: z.string().optional().title('Description').describe('Description of the HITL session'),
            hitlSession: hitlSession
              .optional()
              .title('Extra configuration')
              .describe('Configuration of the HITL session'),
            messageHistory: z
              .array(historyMessageSchema)
              .title('Conversation history')
              .describe('Message history to display in the HITL session'),
          }),
      },
      output: {
        schema: () =>
          z.object({
            conversationId: hitlSessionId(),
          }),
      },
    },
    stopHitl: {
      title: 'Stop HITL session',
      description: 'Stop an existing HITL session',
      attributes: { ...WELL_KNOWN_ATTRIBUTES.HIDDEN_IN_STUDIO },
      input: {
        schema: () =>
          z.object({
            conversationId: hitlSessionId(),
          }),
      },
      output: { schema: () => z.object({}) },
    },
  },
  channels: {
    hitl: {
      messages: {
        text: { schema: () => withHitlExtras(messages.defaults.text.schema) },
        image: { schema: () => withHitlExtras(messages.defaults.image.schema) },
        audio: { schema: () => withHitlExtras(messages.defaults.audio.schema) },
        video: { schema: () => withHitlExtras(messages.defaults.video.schema) },
        file: { schema: () => withHitlExtras(messages.defaults.file.schema) },
        bloc: { schema: () => withHitlExtras(messages.markdownBloc.schema) },
      },
    },
  },
  __advanced: { useLegacyZuiTransformer: true },
})

export const hitlInterfacePackage = {
  type: 'interface',
  name: 'hitl',
  version: '2.1.0',
  definition: hitlInterface,
} satisfies InterfacePackage
