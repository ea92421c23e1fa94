import { RuntimeError } from '@botpress/sdk'
import { randomUUID } from 'node:crypto'
import type { Config } from '../../config'
import { HelpdeskError } from '../../helpdesk/errors'
import type { Helpdesk } from '../helpdesk'
import { createHelpdeskClient, type HelpdeskClientOptions } from './client'

const ALREADY_CLOSED = new Set([404, 409])

const advice = (error: HelpdeskError, url: string): string => {
  const { status, code } = error.failure
  if (status === 401 || status === 403) {
    return 'The helpdesk refused the credentials: check that the API token and the webhook signing secret are the ones the helpdesk expects.'
  }
  if (status === 404) {
    return `${url}/health does not exist: check the helpdesk API base URL (the prefix under which /health, /users and /conversations are served).`
  }
  if (status === undefined && code) {
    return `Could not reach ${url}: check the helpdesk API base URL and that the helpdesk is reachable from Botpress.`
  }
  return 'Check that the helpdesk is up and implements GET /health.'
}

/** A helpdesk that implements the hitl contract (docs/contract.md), as the seam sees it. */
export const contractHelpdesk = (config: Config, options: HelpdeskClientOptions = {}): Helpdesk => {
  const client = createHelpdeskClient(config, options)
  return {
    checkConnection: async () => {
      try {
        await client.health(`health-${randomUUID()}`)
      } catch (error) {
        if (!(error instanceof HelpdeskError)) throw error
        throw new RuntimeError(`${error.message}. ${advice(error, config.helpdeskUrl.replace(/\/+$/, ''))}`)
      }
    },
    createContact: (request) => client.createUser(request),
    openTicket: (request) => client.createConversation(request),
    addMessage: (ticketId, request) => client.createMessage(ticketId, request),
    closeTicket: async (ticketId, request) => {
      try {
        await client.closeConversation(ticketId, request)
      } catch (error) {
        if (!(error instanceof HelpdeskError && ALREADY_CLOSED.has(error.failure.status ?? 0))) throw error
      }
    },
  }
}
