import type { Response } from '@botpress/sdk'
import { fail, ok } from './respond'

export const processed = () => ok()
export const duplicate = () => ok(true)

export const unknownConversation = (id: string): Response =>
  fail(
    404,
    'unknown_conversation',
    `Conversation ${id} was not opened by this integration (no Botpress conversation is tagged with it); nothing was created`
  )

export const closedConversation = (id: string): Response =>
  fail(409, 'conversation_closed', `Conversation ${id} is closed: the end user is back with the bot; nothing was created`)
