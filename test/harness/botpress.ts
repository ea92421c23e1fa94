import nock from 'nock'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { startBotpressApi, type BotpressApiOptions, type BotpressApiServer } from '../../sandbox/botpress-api'
import { BOT_ID } from './integration'

/**
 * A loopback Botpress API at BP_API_URL (fresh for every test) and nock for the helpdesk, which must have answered
 * every interceptor a test set up.
 */
export const useWorld = (options: BotpressApiOptions = {}) => {
  const world = {} as { api: BotpressApiServer }
  beforeAll(async () => {
    world.api = await startBotpressApi({ log: () => {}, ...options })
    process.env.BP_API_URL = world.api.url
    nock.disableNetConnect()
    nock.enableNetConnect(/127\.0\.0\.1|localhost/)
  })
  beforeEach(() => world.api.reset())
  afterEach(() => {
    const pending = nock.pendingMocks()
    nock.cleanAll()
    if (pending.length) throw new Error(`helpdesk calls expected but not made: ${pending.join(', ')}`)
  })
  afterAll(async () => {
    nock.enableNetConnect()
    await world.api.close()
  })
  return world
}

export const botOf = (api: BotpressApiServer) => api.store.bot(BOT_ID)

/** Botpress API calls made by the integration (not by the test's own setup through the store). */
export const operations = (api: BotpressApiServer) => api.calls.map((call) => call.operation)
