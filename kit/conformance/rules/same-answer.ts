import type { z } from '@botpress/sdk'
import { describeAnswer, isSuccess } from '../explain'
import type { RawAnswer } from '../http'
import { RuleFailure } from '../types'

const idempotencyFix = (what: string) =>
  `keep each webhook-id with your first answer and answer a repeat with it, without creating a second ${what} (the integration retries with the same webhook-id after a timeout or a 5xx)`

/** A repeated request must answer 2xx with the id of the first answer (when the first answer had one). */
export const sameResource = (
  answer: RawAnswer,
  firstId: string | undefined,
  schema: z.ZodTypeAny,
  expected: string,
  what: string
): void => {
  if (!isSuccess(answer.status)) throw new RuleFailure(expected, describeAnswer(answer), idempotencyFix(what))
  const parsed = schema.safeParse(answer.json ?? {})
  const id = parsed.success ? (parsed.data as { id?: unknown }).id : undefined
  if (firstId !== undefined && id !== firstId) {
    throw new RuleFailure(expected, describeAnswer(answer), idempotencyFix(what))
  }
}
