import { performance } from 'node:perf_hooks'

/* Latency samples, percentiles and a closed-loop load generator (N workers, each sends its next request when the
 * previous one is answered). */

export type Summary = { count: number; seconds: number; perSecond: number; p50: number; p99: number; max: number; mean: number }

/** Nearest-rank percentile of sorted samples (ms). */
export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}

export const summarize = (samples: readonly number[], seconds: number): Summary => {
  const sorted = [...samples].sort((a, b) => a - b)
  const total = sorted.reduce((sum, x) => sum + x, 0)
  return {
    count: sorted.length,
    seconds,
    perSecond: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length ? total / sorted.length : Number.NaN,
  }
}

export const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 50)

/**
 * Runs `count` calls of `call(i)` with `concurrency` in flight, timing each; `check` sees every answer so that a
 * failed request cannot pass for a fast one.
 */
export type Run = Summary & { latencies: number[]; starts: number[] }

export const runLoad = async <T>(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<T>,
  check: (answer: T, i: number) => void
): Promise<Run> => {
  const latencies = new Array<number>(count).fill(0)
  const starts = new Array<number>(count).fill(0)
  let next = 0
  const worker = async () => {
    for (;;) {
      const i = next++
      if (i >= count) return
      const start = performance.now()
      const answer = await call(i)
      latencies[i] = performance.now() - start
      starts[i] = start
      check(answer, i)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return { ...summarize(latencies, (performance.now() - started) / 1000), latencies, starts }
}

/** Drops the raw samples (for printing and reports). */
export const summaryOf = ({ latencies: _latencies, starts: _starts, ...summary }: Run): Summary => summary

/** Synchronous micro-benchmark: mean µs per call over `iterations` after `warmup` calls. */
export const microMean = (fn: () => unknown, iterations: number, warmup = Math.ceil(iterations / 5)): number => {
  for (let i = 0; i < warmup; i++) fn()
  const start = performance.now()
  for (let i = 0; i < iterations; i++) fn()
  return ((performance.now() - start) * 1000) / iterations
}
