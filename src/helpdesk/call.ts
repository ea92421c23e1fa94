import type { z } from '@botpress/sdk'
import type { AxiosInstance } from 'axios'
import { formatIssues } from '../validation-issues'
import { clock } from './clock'
import type { CallName, helpdeskErrors, HelpdeskError } from './errors'
import type { RetryListener } from './http'

/* One call to a helpdesk and the reading of its answer; what a product does around them stays with its client. */

export type CallRequest = {
  method: 'GET' | 'POST' | 'PUT'
  url: string
  /** The body, already serialized. */
  data?: string
  params?: Record<string, string>
  webhookId: string
  onRetry?: RetryListener
}

/** Sends `request`; any failure (an error status, no answer, an unreadable body) becomes the helpdesk error naming `call`. */
export const sendCall = async (
  http: AxiosInstance,
  errors: Pick<ReturnType<typeof helpdeskErrors>, 'fromAxios'>,
  call: CallName,
  request: CallRequest
): Promise<{ data: unknown; status: number }> => {
  const { method, url, data, params, webhookId, onRetry } = request
  try {
    const response = await http.request({
      method,
      url,
      params,
      data,
      helpdeskCall: { name: call, startedAt: clock().now(), webhookId, onRetry },
    })
    return { data: response.data, status: response.status }
  } catch (error) {
    throw errors.fromAxios(call, error)
  }
}

/** `data` read through `schema`; a body that does not fit is thrown as `invalid(problems)`, every problem named. */
export const readAnswer = <S extends z.ZodTypeAny>(
  schema: S,
  data: unknown,
  invalid: (problems: string) => HelpdeskError
): z.infer<S> => {
  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    throw invalid(
      formatIssues(parsed.error.issues)
        .map((issue) => `${issue.path}: ${issue.message}`)
        .join('; ')
    )
  }
  return parsed.data
}
