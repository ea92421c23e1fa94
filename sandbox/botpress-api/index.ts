/**
 * In-memory Botpress Cloud API (the chat part `@botpress/client` 1.35.0 calls), served over
 * real HTTP on loopback:
 *
 *   const api = await startBotpressApi()
 *   process.env.BP_API_URL = api.url
 *   const client = new Client({ apiUrl: api.url, botId: 'bot_1', integrationId: 'int_1', token: 'x' })
 *   ...
 *   await api.close()
 */
import { startServer, type BotpressApiOptions, type BotpressApiServer } from './server'

export function startBotpressApi(options: BotpressApiOptions = {}): Promise<BotpressApiServer> {
  return startServer(options)
}

export type { BotpressApiOptions, BotpressApiServer, EventListener, FailOptions, MessageListener, RecordedCall, Stall } from './server'
export type { BotSnapshot, StoreView } from './store'
export { OPERATIONS, routes, type Operation } from './routes'
export { API_ERROR_TYPES, type ApiErrorBody, type ApiErrorType } from './errors'
export type { BotEvent, Conversation, CreationContext, JsonObject, Message, MessageDirection, State, StateType, Tags, User } from './types'
