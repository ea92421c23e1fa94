import { Session, type HeapProfiler, type Profiler } from 'node:inspector/promises'
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { GCProfiler, getHeapStatistics } from 'node:v8'

/*
 * Where a handler's own time and memory go: CPU time and allocated bytes per request, attributed to the package
 * (or src/ file) of the deepest frame that belongs to one; garbage-collection pauses during a timed run.
 */

export type Share = { owner: string; perRequest: number }
export type GcReport = {
  scavenges: number
  majorGcs: number
  pauseMs: number
  meanScavengeMs: number
  /** bytes allocated per request, estimated from the heap size before and after every GC */
  allocatedBytesPerRequest: number
  /** requests during which a GC pause started */
  requestsHitByGc: number
  /** p99 latency of the requests no GC pause started in (ms) */
  p99WithoutGc: number
}

const PACKAGE = /node_modules\/((?:@[^/]+\/)?[^/]+)/
const ROOT_PATH = `${resolve(__dirname, '..')}/`
const ROOT_URL = pathToFileURL(ROOT_PATH).href

/** The package, src/ file or bench/ file a script URL belongs to; undefined for Node's own code and natives. */
export const ownerOf = (url: string): string | undefined => {
  const pkg = PACKAGE.exec(url)
  if (pkg?.[1]) return pkg[1]
  const local = url.startsWith(ROOT_URL) ? url.slice(ROOT_URL.length) : url.startsWith(ROOT_PATH) ? url.slice(ROOT_PATH.length) : undefined
  if (local === undefined) return undefined
  if (local.startsWith('bench/')) return 'bench (load loop, stubs)'
  return local.split('?')[0]
}

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)'])
const PROFILER = '(profiler)'

const sortShares = (map: Map<string, number>, requests: number): Share[] =>
  [...map]
    .map(([owner, total]) => ({ owner, perRequest: total / requests }))
    .sort((a, b) => b.perRequest - a.perRequest)

/** CPU time (µs per request) by owner, from a V8 CPU profile of `requests` calls. */
export const cpuByOwner = async (requests: number, run: () => Promise<void>): Promise<Share[]> => {
  const session = new Session()
  session.connect()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 100 })
    await session.post('Profiler.start')
    await run()
    const { profile } = await session.post('Profiler.stop')
    return sortShares(attributeCpu(profile), requests)
  } finally {
    session.disconnect()
  }
}

const attributeCpu = (profile: Profiler.Profile): Map<string, number> => {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const parents = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
  const ownerCache = new Map<number, string>()
  const ownerOfNode = (id: number): string => {
    const cached = ownerCache.get(id)
    if (cached) return cached
    let current: number | undefined = id
    let owner = '(node internals)'
    const leaf = nodes.get(id)?.callFrame.functionName ?? ''
    if (SPECIAL.has(leaf)) owner = leaf
    else {
      while (current !== undefined) {
        const url = nodes.get(current)?.callFrame.url ?? ''
        if (url === 'node:inspector') {
          owner = PROFILER // Profiler.stop building the profile, sampled by itself
          break
        }
        const found = ownerOf(url)
        if (found) {
          owner = found
          break
        }
        current = parents.get(current)
      }
    }
    ownerCache.set(id, owner)
    return owner
  }
  const totals = new Map<string, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  samples.forEach((id, i) => {
    const owner = ownerOfNode(id)
    if (owner === '(idle)' || owner === PROFILER) return
    totals.set(owner, (totals.get(owner) ?? 0) + (deltas[i] ?? 0))
  })
  return totals
}

/** Allocated bytes per request by owner, from V8's sampling heap profiler (garbage included). */
export const allocationByOwner = async (requests: number, run: () => Promise<void>): Promise<Share[]> => {
  const session = new Session()
  session.connect()
  try {
    await session.post('HeapProfiler.enable')
    const params: HeapProfiler.StartSamplingParameterType & {
      includeObjectsCollectedByMajorGC: boolean
      includeObjectsCollectedByMinorGC: boolean
    } = { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }
    await session.post('HeapProfiler.startSampling', params)
    await run()
    const { profile } = await session.post('HeapProfiler.stopSampling')
    const totals = new Map<string, number>()
    const walk = (node: HeapProfiler.SamplingHeapProfileNode, owner: string) => {
      const here = ownerOf(node.callFrame.url) ?? owner
      totals.set(here, (totals.get(here) ?? 0) + node.selfSize)
      for (const child of node.children) walk(child, here)
    }
    walk(profile.head, '(node internals)')
    return sortShares(totals, requests)
  } finally {
    await session.post('HeapProfiler.disable').catch(() => undefined)
    session.disconnect()
  }
}

/** Watches GC during a timed run; `finish` needs the run's request start times and latencies. */
export const watchGc = () => {
  const entries: PerformanceEntry[] = []
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()))
  observer.observe({ entryTypes: ['gc'] })
  const profiler = new GCProfiler()
  const usedAtStart = getHeapStatistics().used_heap_size
  profiler.start()
  return {
    finish: async (requests: number, starts: readonly number[], latencies: readonly number[]): Promise<GcReport> => {
      const usedAtEnd = getHeapStatistics().used_heap_size
      const result = profiler.stop()
      // Node queues GC entries from the event loop: let it turn before reading them.
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve))
      entries.push(...observer.takeRecords())
      observer.disconnect()
      let allocated = 0
      let previous = usedAtStart
      let scavenges = 0
      let majorGcs = 0
      let scavengeCost = 0
      let pauseMicros = 0
      for (const gc of result.statistics) {
        allocated += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - previous)
        previous = gc.afterGC.heapStatistics.usedHeapSize
        pauseMicros += gc.cost
        if (gc.gcType === 'Scavenge' || gc.gcType === 'MinorMarkCompact') {
          scavenges += 1
          scavengeCost += gc.cost
        } else majorGcs += 1
      }
      allocated += Math.max(0, usedAtEnd - previous)
      const pauses = entries.map((e) => e.startTime).sort((a, b) => a - b)
      const hit = (start: number, latency: number) => pauses.some((p) => p >= start && p <= start + latency)
      const clean: number[] = []
      let requestsHitByGc = 0
      latencies.forEach((latency, i) => {
        if (hit(starts[i] ?? 0, latency)) requestsHitByGc += 1
        else clean.push(latency)
      })
      clean.sort((a, b) => a - b)
      return {
        scavenges,
        majorGcs,
        pauseMs: pauseMicros / 1000,
        meanScavengeMs: scavenges ? scavengeCost / scavenges / 1000 : 0,
        allocatedBytesPerRequest: allocated / requests,
        requestsHitByGc,
        p99WithoutGc: clean.length ? (clean[Math.max(0, Math.ceil(0.99 * clean.length) - 1)] ?? Number.NaN) : Number.NaN,
      }
    },
  }
}

/**
 * Nanoseconds the main thread has spent runnable but waiting for a CPU (Linux schedstat), undefined elsewhere: what
 * other processes on the machine took from a measurement.
 */
export const runQueueWaitNs = (): number | undefined => {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').trim().split(/\s+/)
    const waited = Number(fields[1])
    return Number.isFinite(waited) ? waited : undefined
  } catch {
    return undefined
  }
}
