import { z } from '@botpress/sdk'
import type { AxiosInstance } from 'axios'
import { readAnswer, sendCall } from '../../helpdesk/call'
import { helpdeskErrors, type CallName } from '../../helpdesk/errors'
import { defaultRetryPolicy, httpFor, type RetryListener, type RetryPolicy } from '../../helpdesk/http'
import type { RequestTrackerConfig } from './config'

/* Request Tracker's REST2 API (/REST/2.0/), the calls the integration makes, with their answers validated. */

export type RestOptions = { retry?: RetryPolicy; onRetry?: RetryListener }

const rtId = z.union([z.string().min(1), z.number()]).transform(String)
const createdSchema = z.object({ id: rtId }).passthrough()
const collectionSchema = z.object({ items: z.array(z.object({ id: rtId }).passthrough()) }).passthrough()
const systemSchema = z.object({ Version: z.string() }).passthrough()
const queueSchema = z
  .object({
    Name: z.string(),
    Disabled: z.union([z.string(), z.number()]).optional(),
    _hyperlinks: z.array(z.object({ ref: z.string() }).passthrough()).default([]),
    TicketCustomFields: z.array(z.object({ name: z.string() }).passthrough()).default([]),
  })
  .passthrough()
const ticketSchema = z.object({ id: rtId, Status: z.string() }).passthrough()

export type RtQueue = z.infer<typeof queueSchema>

/** A value inside single quotes in TicketSQL. */
const sqlString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

export const MARKER_FIELD = 'Botpress conversation'

export const createRestClient = (config: RequestTrackerConfig, options: RestOptions = {}) => {
  const baseUrl = `${config.requestTrackerUrl.replace(/\/+$/, '')}/REST/2.0`
  const headers = { authorization: `token ${config.authToken}` }
  const policy = options.retry ?? defaultRetryPolicy
  // Reads and updates that set a value are safe to repeat; creations are not (see `findOrCreate`).
  const repeatable = httpFor({ baseUrl, headers, timeoutMs: config.requestTimeoutMs, retry: policy })
  const once = httpFor({ baseUrl, headers, timeoutMs: config.requestTimeoutMs, retry: { ...policy, retries: 0 } })
  const errors = helpdeskErrors([config.authToken, config.webhookSecret])

  const send = async <S extends z.ZodTypeAny>(
    http: AxiosInstance,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body: unknown,
    answer: S
  ): Promise<z.infer<S>> => {
    const call: CallName = `${method} /REST/2.0${path.split('?')[0]}`
    const { data, status } = await sendCall(http, errors, call, {
      method,
      url: path,
      data: body === undefined ? undefined : JSON.stringify(body),
      webhookId: call,
      onRetry: options.onRetry,
    })
    return readAnswer(answer, data ?? {}, (problems) => errors.invalidAnswer(call, status, problems))
  }

  const enc = encodeURIComponent
  const firstId = (answer: z.infer<typeof collectionSchema>) => answer.items[0]?.id
  const anything = z.unknown()

  return {
    system: () => send(repeatable, 'GET', '/rt', undefined, systemSchema),
    queue: (name: string) => send(repeatable, 'GET', `/queue/${enc(name)}`, undefined, queueSchema),

    /** The RT user (its name, which REST2 uses as its id) whose email address is `email`. */
    findUserByEmail: async (email: string) =>
      firstId(
        await send(repeatable, 'POST', '/users', [{ field: 'EmailAddress', value: email }], collectionSchema)
      ),
    createUser: async (user: { Name: string; EmailAddress: string; RealName: string }) =>
      (await send(once, 'POST', '/user', { ...user, Privileged: 0 }, createdSchema)).id,

    /** The ticket of the queue that carries this Botpress conversation id in the marker field. */
    findTicketByMarker: async (queue: string, botpressConversationId: string) => {
      const query = `Queue = ${sqlString(queue)} AND 'CF.{${MARKER_FIELD}}' = ${sqlString(botpressConversationId)}`
      return firstId(await send(repeatable, 'GET', `/tickets?query=${enc(query)}`, undefined, collectionSchema))
    },
    createTicket: async (ticket: Record<string, unknown>) =>
      (await send(once, 'POST', '/ticket', ticket, createdSchema)).id,
    ticket: (id: string) => send(repeatable, 'GET', `/ticket/${enc(id)}`, undefined, ticketSchema),
    setStatus: (id: string, status: string) =>
      send(repeatable, 'PUT', `/ticket/${enc(id)}`, { Status: status }, anything),

    /** Correspondence as the API user; its `Subject` carries a marker by which a retry finds it. */
    correspond: (id: string, message: { Subject: string; Content: string; ContentType: 'text/plain' }) =>
      send(once, 'POST', `/ticket/${enc(id)}/correspond`, message, anything),
    /** Whether the ticket has correspondence whose subject contains `marker` (RT keeps the subject in `Data`). */
    hasCorrespondence: async (id: string, marker: string) =>
      firstId(
        await send(
          repeatable,
          'POST',
          '/transactions',
          [
            { field: 'ObjectType', value: 'RT::Ticket' },
            { field: 'ObjectId', value: id },
            { field: 'Type', value: 'Correspond' },
            { field: 'Data', operator: 'LIKE', value: marker },
          ],
          collectionSchema
        )
      ) !== undefined,
  }
}

export type RestClient = ReturnType<typeof createRestClient>
