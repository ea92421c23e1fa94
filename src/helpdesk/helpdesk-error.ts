import { RuntimeError } from '@botpress/sdk'
import type { FailureKind } from '../failures/classify'

/** How a helpdesk call failed: its kind (src/failures/classify.ts), and the status or network code behind it. */
export type HelpdeskFailure = { kind?: FailureKind; status?: number; code?: string; retryAfterSeconds?: number }

/** A failed helpdesk call; its message names the call and is free of secrets (see helpdesk/errors.ts). */
export class HelpdeskError extends RuntimeError {
  constructor(
    message: string,
    readonly failure: HelpdeskFailure
  ) {
    super(message)
  }
}
