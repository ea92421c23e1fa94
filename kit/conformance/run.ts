import { randomBytes } from 'node:crypto'
import type { Config } from '../../src/config'
import { createHelpdeskClient } from '../../src/helpdesks/contract/client'
import type { RetryPolicy } from '../../src/helpdesk/http'
import { createRawClient } from './http'
import { closeAgain, closeAlreadyClosed, closeConversation } from './rules/close'
import { createConversation, createConversationRetry, createLargeConversation } from './rules/conversations'
import { messageRules } from './rules/messages'
import { configuration, health, healthChecksSignature } from './rules/setup'
import { signatureRules } from './rules/signature'
import { createUser, createUserRetry } from './rules/users'
import { RuleFailure, type ConformanceOptions, type Rule, type RuleContext, type RuleResult } from './types'

export const DEFAULT_TIMEOUT_MS = 5000
export const DEFAULT_RETRY: RetryPolicy = { retries: 1, baseDelayMs: 200, budgetMs: 12_000 }

/** Every rule, in the order they run; a rule runs only when the rules it needs passed. */
export const rules = (): Rule[] => [
  configuration,
  health,
  healthChecksSignature,
  ...signatureRules,
  createUser,
  createUserRetry,
  createConversation,
  createConversationRetry,
  createLargeConversation,
  ...messageRules(),
  closeConversation,
  closeAgain,
  closeAlreadyClosed,
]

const runOne = async (rule: Rule, ctx: RuleContext, passed: ReadonlySet<string>): Promise<RuleResult> => {
  const missing = (rule.needs ?? []).filter((name) => !passed.has(name))
  if (missing.length) return { rule: rule.name, status: 'skip', needs: missing }
  try {
    await rule.run(ctx)
    return { rule: rule.name, status: 'pass' }
  } catch (error) {
    if (error instanceof RuleFailure) {
      return { rule: rule.name, status: 'fail', expected: error.expected, got: error.got, fix: error.fix }
    }
    return {
      rule: rule.name,
      status: 'fail',
      expected: 'the rule to run',
      got: `an unexpected error: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'report this to the maintainers of the conformance checker',
    }
  }
}

/** Calls the helpdesk as the integration would and checks every rule of the contract; never throws for a bad helpdesk. */
export const runConformance = async (options: ConformanceOptions): Promise<RuleResult[]> => {
  const runId = options.runId ?? randomBytes(6).toString('hex')
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const config: Config = {
    helpdeskUrl: options.baseUrl,
    apiToken: options.token,
    webhookSecret: options.secret,
    requestTimeoutMs: timeoutMs,
    historyLimit: 100,
  }
  const ctx: RuleContext = {
    options,
    config,
    client: createHelpdeskClient(config, { retry: options.retry ?? DEFAULT_RETRY }),
    raw: createRawClient({ baseUrl: options.baseUrl, secret: options.secret, token: options.token, timeoutMs }),
    ids: {
      runId,
      botpressUserId: `user_conformance_${runId}`,
      botpressConversationId: `conv_conformance_${runId}`,
      messageId: (name) => `msg_conformance_${runId}_${name.replace(/^message-/, '').replace(/-/g, '_')}`,
    },
    state: { messages: new Map() },
  }
  const results: RuleResult[] = []
  const passed = new Set<string>()
  for (const rule of rules()) {
    const result = await runOne(rule, ctx, passed)
    if (result.status === 'pass') passed.add(rule.name)
    results.push(result)
    options.onResult?.(result)
  }
  return results
}
