import type { WebhookEvent } from '../../contract/webhook-events'
import type { ValidationIssue } from '../validation-issues'

/*
 * URLs an agent sends reach the end user's chat: only http(s) may pass (no javascript:, data:, file:, ...). Every
 * field whose name ends in `Url`, anywhere in the message payload (bloc items included), and the agent's picture.
 */
const HTTP_URL = /^https?:\/\/[^\s]+$/i

const visit = (value: unknown, path: string[], issues: ValidationIssue[]): void => {
  if (Array.isArray(value)) return value.forEach((item, index) => visit(item, [...path, String(index)], issues))
  if (typeof value !== 'object' || value === null) return
  for (const [key, field] of Object.entries(value)) {
    if (key.endsWith('Url') && typeof field === 'string' && !HTTP_URL.test(field)) {
      issues.push({ path: [...path, key].join('.'), message: 'must be an http(s) URL' })
    } else {
      visit(field, [...path, key], issues)
    }
  }
}

/** The fields of an event that hold a URL other than http(s); empty when all are safe. */
export const unsafeUrls = (event: WebhookEvent): ValidationIssue[] => {
  const issues: ValidationIssue[] = []
  if ('agent' in event) visit({ pictureUrl: event.agent.pictureUrl }, ['agent'], issues)
  if (event.type === 'message.created') visit(event.message.payload, ['message', 'payload'], issues)
  return issues
}
