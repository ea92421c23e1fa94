import { RuntimeError } from '@botpress/sdk'
import { randomUUID } from 'node:crypto'
import type { Config } from '../../config'
import { classify } from '../../failures/classify'
import { HelpdeskError } from '../../helpdesk/errors'
import { ADDRESS_REFUSED } from '../../helpdesk/guarded-lookup'
import type { Helpdesk } from '../helpdesk'
import { referenceFor } from '../../../contract/reference'
import { createHelpdeskClient, type HelpdeskClientOptions } from './client'

/** A close answered 404 or 409: the ticket is gone or closed already, which is what closing wants. */
const alreadyClosed = (error: unknown): boolean => {
  const failure = classify(error)
  return failure.source === 'helpdesk' && failure.kind === 'refused' && (failure.status === 404 || failure.status === 409)
}

/** What to fix after a failed `GET /health`, by the kind of failure (src/failures/classify.ts). */
const advice = (error: HelpdeskError, url: string): string => {
  const { kind, status, code } = classify(error)
  if (code === ADDRESS_REFUSED) {
    return 'The helpdesk host name resolves to an address the integration does not connect to: give a host name that resolves to a public address.'
  }
  if (kind === 'refused' && (status === 401 || status === 403)) {
    return 'The helpdesk refused the credentials: check that the API token and the webhook signing secret are the ones the helpdesk expects.'
  }
  if (kind === 'refused' && status === 404) {
    return `${url}/health does not exist: check the helpdesk API base URL (the prefix under which /health, /users and /conversations are served).`
  }
  if (kind === 'unreachable' || (kind === 'retryable' && status === undefined)) {
    return `Could not reach ${url}: check the helpdesk API base URL and that the helpdesk is reachable from Botpress.`
  }
  if (kind === 'invalid_answer') return 'GET /health must answer a small body (under 1 MiB), or none.'
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
    openTicket: (request) =>
      client.createConversation({ ...request, reference: referenceFor(config.webhookSecret, request.botpressConversationId) }),
    addMessage: async (ticketId, request) => {
      await client.createMessage(ticketId, request)
    },
    closeTicket: async (ticketId, request) => {
      try {
        await client.closeConversation(ticketId, request)
      } catch (error) {
        if (!alreadyClosed(error)) throw error
      }
    },
  }
}
