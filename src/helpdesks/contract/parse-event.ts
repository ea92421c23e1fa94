import { webhookEventSchema, type WebhookEvent } from '../../../contract/webhook-events'
import { formatIssues, type ValidationIssue } from '../../validation-issues'

export type ParsedEvent =
  | { ok: true; event: WebhookEvent }
  | { ok: false; code: 'invalid_json' | 'invalid_event'; message: string; issues?: ValidationIssue[] }

export const parseEvent = (rawBody: string): ParsedEvent => {
  let json: unknown
  try {
    json = JSON.parse(rawBody)
  } catch {
    return { ok: false, code: 'invalid_json', message: 'The body is not valid JSON' }
  }
  const result = webhookEventSchema.safeParse(json)
  if (result.success) return { ok: true, event: result.data }
  return {
    ok: false,
    code: 'invalid_event',
    message: 'The body is not a valid hitl event: see `issues` for the failing fields',
    issues: formatIssues(result.error.issues),
  }
}
