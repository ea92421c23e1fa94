import { z } from '@botpress/sdk'

/** Longest helpdesk id the contract allows. */
export const MAX_HELPDESK_ID_LENGTH = 200

/*
 * An id the helpdesk chose. It ends up in request paths (`/conversations/{id}/...`, URL-encoded) and in Botpress tags,
 * so it can never be a dot segment (`.` or `..`, which a URL resolves away even when encoded) nor hold control
 * characters. A regular expression rather than a refinement, so that the OpenAPI document states the rule too.
 */
export const HELPDESK_ID_PATTERN = /^(?!\.{1,2}$)[^\u0000-\u001f\u007f-\u009f]+$/

export const helpdeskIdSchema = z
  .string()
  .min(1)
  .max(MAX_HELPDESK_ID_LENGTH)
  .regex(HELPDESK_ID_PATTERN, { message: 'must not be "." or ".." nor hold control characters' })

/** Why `id` cannot be used as a helpdesk id, or undefined when it can. */
export const helpdeskIdProblem = (id: string): string | undefined => {
  const result = helpdeskIdSchema.safeParse(id)
  return result.success ? undefined : result.error.issues.map((issue) => issue.message).join('; ')
}

/** The id as one path segment: URL-encoded, after checking that it is a safe helpdesk id. */
export const pathSegment = (id: string): string => {
  const problem = helpdeskIdProblem(id)
  if (problem) throw new UnsafeIdError(id, problem)
  return encodeURIComponent(id)
}

export class UnsafeIdError extends Error {
  constructor(
    readonly id: string,
    readonly problem: string
  ) {
    super(`The helpdesk id ${JSON.stringify(id.slice(0, 60))}${id.length > 60 ? '…' : ''} cannot be used (${problem})`)
  }
}
