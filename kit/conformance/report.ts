import type { RuleResult } from './types'

/** `PASS rule`, `FAIL rule: expected …, got …; fix: …` or `SKIP rule: needs …`. */
export const formatResult = (result: RuleResult): string => {
  switch (result.status) {
    case 'pass':
      return `PASS ${result.rule}`
    case 'fail':
      return `FAIL ${result.rule}: expected ${result.expected}, got ${result.got}; fix: ${result.fix}`
    case 'skip':
      return `SKIP ${result.rule}: needs ${(result.needs ?? []).join(', ')} to pass first`
  }
}

/** `N passed, M failed` (and how many were skipped, when some were). */
export const summarize = (results: readonly RuleResult[]): string => {
  const count = (status: RuleResult['status']) => results.filter((r) => r.status === status).length
  const skipped = count('skip')
  return `${count('pass')} passed, ${count('fail')} failed${skipped ? `, ${skipped} skipped` : ''}`
}

/** Passes only when every rule passed. */
export const allPassed = (results: readonly RuleResult[]): boolean => results.every((r) => r.status === 'pass')
