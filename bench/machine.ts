import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os'

export type Machine = {
  cpu: string
  cores: number
  memoryGiB: number
  node: string
  os: string
  date: string
  loadAverage: number
}

/** The machine the bench runs on; `loadAverage` is the 1-minute load, other processes' work included. */
export const describeMachine = (): Machine => {
  const all = cpus()
  return {
    cpu: `${all[0]?.model.trim() ?? 'unknown'}${all[0]?.speed ? ` (${all[0].speed} MHz)` : ''}`,
    cores: availableParallelism(),
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    date: new Date().toISOString(),
    loadAverage: loadavg()[0] ?? 0,
  }
}

export const currentLoad = (): number => loadavg()[0] ?? 0
