import type { z } from '@botpress/sdk'

export type ValidationIssue = { path: string; message: string }

/** Zod issues as `{ path, message }`, the shape both error answers and error messages use. */
export const formatIssues = (issues: readonly z.ZodIssue[]): ValidationIssue[] =>
  issues.map((issue) => ({ path: issue.path.length ? issue.path.join('.') : '(body)', message: issue.message }))
