import { messages, z } from '@botpress/sdk'

/** Message types the `hitl` channel relays to the helpdesk, and an agent may send back. */
export const relayedMessageTypes = ['text', 'image', 'audio', 'video', 'file', 'bloc'] as const
export type RelayedMessageType = (typeof relayedMessageTypes)[number]

/** Message types a conversation history may also hold (what the bot said before the handoff). */
export const historyMessageTypes = [
  ...relayedMessageTypes,
  'markdown',
  'location',
  'card',
  'carousel',
  'choice',
  'dropdown',
] as const
export type HistoryMessageType = (typeof historyMessageTypes)[number]

/** The Botpress payload schema of each message type, as the hitl interface uses them (bloc may hold markdown). */
export const payloadSchemas = {
  text: messages.defaults.text.schema,
  image: messages.defaults.image.schema,
  audio: messages.defaults.audio.schema,
  video: messages.defaults.video.schema,
  file: messages.defaults.file.schema,
  bloc: messages.markdownBloc.schema,
  markdown: messages.markdown.schema,
  location: messages.defaults.location.schema,
  card: messages.defaults.card.schema,
  carousel: messages.defaults.carousel.schema,
  choice: messages.defaults.choice.schema,
  dropdown: messages.defaults.dropdown.schema,
} satisfies Record<HistoryMessageType, z.AnyZodObject>

export type MessagePayload<T extends HistoryMessageType> = z.infer<(typeof payloadSchemas)[T]>

type TypedMessage<T extends HistoryMessageType, E extends z.ZodRawShape> = z.ZodObject<
  { type: z.ZodLiteral<T>; payload: z.AnyZodObject } & E
>

/**
 * One object schema per message type, `{ type, payload, ...extra }`, whose payload must match its type: a union of
 * complete objects, so that errors name the failing field and the JSON Schema of each member stands on its own.
 */
export const typedMessageSchema = <T extends HistoryMessageType, E extends z.ZodRawShape = {}>(
  types: readonly T[],
  extra: E = {} as E
) =>
  z.discriminatedUnion(
    'type',
    types.map((type) => z.object({ type: z.literal(type), payload: payloadSchemas[type], ...extra })) as unknown as [
      TypedMessage<T, E>,
      ...TypedMessage<T, E>[],
    ]
  )

export const authorSchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('user'),
      botpressUserId: z.string().min(1).describe('Botpress user id of the end user (sent earlier in `POST /users`)'),
    }),
    z.object({ type: z.literal('bot') }),
  ])
  .describe('Who wrote the message: the end user, or the bot')
export type Author = z.infer<typeof authorSchema>
