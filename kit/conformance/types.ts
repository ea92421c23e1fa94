import type { Config } from '../../src/config'
import type { HelpdeskClient } from '../../src/helpdesks/contract/client'
import type { RetryPolicy } from '../../src/helpdesk/http'
import type { RawClient } from './http'

export type ConformanceOptions = {
  /** The helpdesk API base URL, as it would be set in the integration configuration. */
  baseUrl: string
  /** The shared Standard Webhooks secret (`whsec_...`). */
  secret: string
  /** The API token, when the helpdesk expects `Authorization: Bearer <token>`. */
  token?: string
  /** Per-request timeout; the integration's own default is larger. */
  timeoutMs?: number
  /** Retries of the integration's client; few, so that a failing helpdesk is reported quickly. */
  retry?: RetryPolicy
  /** Makes the Botpress ids of this run unique (and predictable in tests). */
  runId?: string
  /** Called as each rule finishes, in order. */
  onResult?: (result: RuleResult) => void
}

export type RuleStatus = 'pass' | 'fail' | 'skip'

export type RuleResult = {
  rule: string
  status: RuleStatus
  /** For a failure: what the contract requires, what the helpdesk did, and what to change. */
  expected?: string
  got?: string
  fix?: string
  /** For a skip: the rules it needs that did not pass. */
  needs?: string[]
}

/** What a failing rule reports. */
export class RuleFailure extends Error {
  constructor(
    readonly expected: string,
    readonly got: string,
    readonly fix: string
  ) {
    super(`expected ${expected}, got ${got}`)
  }
}

export type RunIds = {
  runId: string
  botpressUserId: string
  botpressConversationId: string
  messageId: (name: string) => string
}

/** What earlier rules learned, for later ones. */
export type RunState = {
  user?: { id: string; answer: Record<string, unknown> }
  conversation?: { id: string; answer: Record<string, unknown> }
  messages: Map<string, Record<string, unknown> | undefined>
  closeAnswer?: string
}

export type RuleContext = {
  options: ConformanceOptions
  config: Config
  client: HelpdeskClient
  raw: RawClient
  ids: RunIds
  state: RunState
}

export type Rule = {
  name: string
  /** Rules that must have passed before this one can run. */
  needs?: string[]
  run: (ctx: RuleContext) => Promise<void>
}
