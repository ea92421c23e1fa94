export { runConformance, rules, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS } from './run'
export { formatResult, summarize, allPassed } from './report'
export type { ConformanceOptions, RuleResult, RuleStatus } from './types'
