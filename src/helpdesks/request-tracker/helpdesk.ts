import { RuntimeError } from '@botpress/sdk'
import { classify } from '../../failures/classify'
import { clock } from '../../helpdesk/clock'
import { HelpdeskError } from '../../helpdesk/errors'
import { ADDRESS_REFUSED } from '../../helpdesk/guarded-lookup'
import { defaultRetryPolicy, type RetryPolicy } from '../../helpdesk/http'
import type { Helpdesk } from '../helpdesk'
import type { RequestTrackerConfig } from './config'
import { messageContent, messageMarker, messageSubject, ticketContent } from './content'
import { createRestClient, MARKER_FIELD, type RestClient, type RestOptions } from './rest'

/** Where end users without an email get one: `.invalid` is reserved, so RT can never mail it to anyone. */
export const GENERATED_EMAIL_DOMAIN = 'botpress.invalid'

export const contactEmail = (botpressUserId: string, email: string | undefined): string =>
  email?.trim() || `${botpressUserId.replace(/[^A-Za-z0-9._-]/g, '-')}@${GENERATED_EMAIL_DOMAIN}`

/** RT's default priorities are Low 0, Medium 50, High 100; urgent has no level of its own. */
const PRIORITIES = { low: 0, normal: 50, high: 100, urgent: 100 } as const

const CLOSED_STATUSES = new Set(['resolved', 'rejected', 'deleted'])

/** Whether a failed call may have happened anyway or may work on a new attempt: a timeout, 408, 429, 5xx, no connection. */
const worthAnotherAttempt = (error: unknown) => {
  const { source, kind } = classify(error)
  return source === 'helpdesk' && (kind === 'retryable' || kind === 'unreachable')
}

/**
 * RT has no idempotency key, so a creation is never repeated blindly: before each new attempt (after a timeout, a 5xx,
 * or a refusal such as "Name in use" from a concurrent call) it looks for what an earlier attempt may have made.
 */
const findOrCreate = async <T>(
  find: () => Promise<T | undefined>,
  create: () => Promise<T>,
  policy: RetryPolicy
): Promise<T> => {
  const startedAt = clock().now()
  const found = await find()
  if (found !== undefined) return found
  for (let attempt = 1; ; attempt++) {
    try {
      return await create()
    } catch (error) {
      const made = await find()
      if (made !== undefined) return made
      const wait = policy.baseDelayMs * 2 ** attempt
      // within the same budget as the HTTP client's own retries, which leaves room in Botpress's action time limit
      const late = clock().now() - startedAt + wait >= policy.budgetMs
      if (!worthAnotherAttempt(error) || attempt > policy.retries || late) throw error
      await clock().sleep(wait)
    }
  }
}

const connectionAdvice = (error: HelpdeskError, config: RequestTrackerConfig): string => {
  const { kind, status, code } = classify(error)
  if (code === ADDRESS_REFUSED) {
    return "Request Tracker's host name resolves to an address the integration does not connect to: give a host name that resolves to a public address."
  }
  if (kind === 'refused' && (status === 401 || status === 403)) {
    return "Request Tracker refused the auth token: create one for the integration's RT user (Logged in as → Settings → Auth Tokens) and paste it whole (it looks like 12-34-0123abcd…)."
  }
  if (kind === 'refused' && status === 404) {
    return `${config.requestTrackerUrl} has no REST2 API at /REST/2.0/: give Request Tracker's base URL (the address of its web UI).`
  }
  if (kind === 'unreachable' || (kind === 'retryable' && status === undefined)) {
    return `Could not reach ${config.requestTrackerUrl}: check the Request Tracker URL and that RT is reachable from Botpress.`
  }
  return 'Check that Request Tracker is up.'
}

/** Request Tracker 5 behind the seam: REST2 calls with an auth token; its hitl scrip posts the contract's events. */
export const requestTrackerHelpdesk = (config: RequestTrackerConfig, options: RestOptions = {}): Helpdesk => {
  const rt: RestClient = createRestClient(config, options)
  const policy = options.retry ?? defaultRetryPolicy

  const checkQueue = async () => {
    let queue
    try {
      queue = await rt.queue(config.queue)
    } catch (error) {
      if (error instanceof HelpdeskError && (error.failure.status === 404 || error.failure.status === 403)) {
        throw new RuntimeError(
          `Request Tracker has no queue "${config.queue}" that the token's user can see: check the queue name, and grant that user SeeQueue, CreateTicket, ShowTicket, ReplyToTicket and ModifyTicket on it.`
        )
      }
      throw error
    }
    const problems: string[] = []
    if (queue.Disabled !== undefined && String(queue.Disabled) !== '0') problems.push(`the queue "${config.queue}" is disabled: enable it`)
    if (!queue._hyperlinks.some((link) => link.ref === 'create')) {
      problems.push(`the token's user may not create tickets in "${config.queue}": grant it CreateTicket (and ShowTicket, ReplyToTicket, ModifyTicket) on the queue`)
    }
    if (!queue.TicketCustomFields.some((field) => field.name === MARKER_FIELD)) {
      problems.push(`the custom field "${MARKER_FIELD}" is missing or hidden from the token's user: install the hitl scrip (docs/helpdesks/request-tracker.md), which creates it and lets privileged users see and set it`)
    }
    if (problems.length) throw new RuntimeError(`Request Tracker is not ready for handoffs: ${problems.join('; ')}.`)
  }

  return {
    checkConnection: async () => {
      try {
        await rt.system()
        await checkQueue()
      } catch (error) {
        if (!(error instanceof HelpdeskError)) throw error
        throw new RuntimeError(`${error.message}. ${connectionAdvice(error, config)}`)
      }
    },

    createContact: async ({ botpressUserId, name, email }) => {
      const address = contactEmail(botpressUserId, email)
      const id = await findOrCreate(
        () => rt.findUserByEmail(address),
        () => rt.createUser({ Name: address, EmailAddress: address, RealName: name || address }),
        policy
      )
      return { id }
    },

    openTicket: async (request) => {
      const priority = request.session?.priority
      const id = await findOrCreate(
        () => rt.findTicketByMarker(config.queue, request.botpressConversationId),
        () =>
          rt.createTicket({
            Queue: config.queue,
            // RT keeps at most 200 characters of a subject
            Subject: (request.title?.trim() || 'Conversation handed off by the bot').slice(0, 200),
            Requestor: request.userId,
            Content: ticketContent(request),
            ContentType: 'text/plain',
            ...(priority ? { Priority: PRIORITIES[priority] } : {}),
            CustomFields: { [MARKER_FIELD]: request.botpressConversationId },
          }),
        policy
      )
      return { id }
    },

    addMessage: async (ticketId, request) => {
      await findOrCreate(
        async () => ((await rt.hasCorrespondence(ticketId, messageMarker(request))) ? true : undefined),
        async () => {
          const message = { Subject: messageSubject(request), Content: messageContent(request), ContentType: 'text/plain' as const }
          await rt.correspond(ticketId, message)
          return true
        },
        policy
      )
    },

    closeTicket: async (ticketId) => {
      try {
        await rt.setStatus(ticketId, 'resolved')
      } catch (error) {
        // rejected or deleted by an agent first: closed already, which is what was asked
        if (!(error instanceof HelpdeskError) || worthAnotherAttempt(error)) throw error
        const ticket = await rt.ticket(ticketId)
        if (!CLOSED_STATUSES.has(ticket.Status)) throw error
      }
    },
  }
}
