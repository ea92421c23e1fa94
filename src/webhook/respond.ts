import type { Response } from '@botpress/sdk'
import type { WebhookErrorAnswer, WebhookOkAnswer } from '../contract/webhook-events'
import type { ValidationIssue } from '../validation-issues'

const json = (status: number, body: WebhookOkAnswer | WebhookErrorAnswer, headers: Record<string, string> = {}): Response => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
})

export const ok = (duplicate = false): Response => json(200, duplicate ? { ok: true, duplicate: true } : { ok: true })

export const fail = (
  status: number,
  code: string,
  message: string,
  extra: { issues?: ValidationIssue[]; headers?: Record<string, string> } = {}
): Response => json(status, { error: { code, message, ...(extra.issues ? { issues: extra.issues } : {}) } }, extra.headers)
