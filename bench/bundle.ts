import { bundleOptions } from '../scripts/build'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build, type BuildOptions, type BuildResult, type Metafile } from 'esbuild'

/*
 * The bundle's size against a bundle of `@botpress/sdk` alone (an Integration with nothing in it), both built the
 * way scripts/build.ts builds dist/index.js, into a temporary directory; the difference is broken down by input
 * (esbuild metafile): which packages and files the integration adds on top of what the SDK itself requires.
 */

export const ROOT = resolve(__dirname, '..')

export type BundleSide = { bytes: number; gzipBytes: number; inputs: number }
export type Contribution = { owner: string; bytes: number; files: number }
export type BundleReport = {
  integration: BundleSide
  sdkOnly: BundleSide
  /** groups (package or local folder) whose bytes in the output exceed what they weigh in the SDK-only bundle */
  added: Contribution[]
  /** packages the SDK-only bundle already contains that the integration bundle holds a second copy of (> 1 KiB) */
  duplicated: Contribution[]
  /** the largest single input files that the SDK-only bundle does not contain */
  topFiles: Array<{ path: string; bytes: number }>
  /** paths of the built bundles (for the cold-start measurement); removed by `cleanup` */
  bundlePath: string
  sdkOnlyPath: string
  cleanup: () => void
}

/** The options of scripts/build.ts (with the definition's esbuild options). */
const OPTIONS: BuildOptions = { ...bundleOptions, absWorkingDir: ROOT }

const SDK_ONLY_ENTRY = `
const sdk = require('@botpress/sdk')
export default new sdk.Integration({
  register: async () => {},
  unregister: async () => {},
  actions: {},
  channels: {},
  handler: async () => {},
})
`

const groupOf = (path: string): string => {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (pkg?.[1]) return pkg[1]
  const local = path.split('/')[0] ?? path
  return local.includes('.') ? path : `${local}/`
}

const inputsOf = (metafile: Metafile): Map<string, number> => {
  const inputs = new Map<string, number>()
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) inputs.set(path, (inputs.get(path) ?? 0) + bytesInOutput)
  }
  return inputs
}

const metafileOf = (result: BuildResult): Metafile => {
  if (!result.metafile) throw new Error('esbuild returned no metafile')
  return result.metafile
}

const side = (file: string, metafile: Metafile): BundleSide => {
  const content = readFileSync(file)
  return { bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length, inputs: inputsOf(metafile).size }
}

export const measureBundle = async (): Promise<BundleReport> => {
  const dir = mkdtempSync(join(tmpdir(), 'hitl-bench-bundle-'))
  const bundlePath = join(dir, 'index.js')
  const sdkPath = join(dir, 'sdk-only.js')
  const full = await build({ ...OPTIONS, entryPoints: [resolve(ROOT, 'src/index.ts')], outfile: bundlePath })
  const sdk = await build({
    ...OPTIONS,
    stdin: { contents: SDK_ONLY_ENTRY, resolveDir: ROOT, sourcefile: 'sdk-only.ts', loader: 'ts' },
    outfile: sdkPath,
  })
  const fullInputs = inputsOf(metafileOf(full))
  const sdkInputs = inputsOf(metafileOf(sdk))

  const byGroup = (inputs: Map<string, number>) => {
    const groups = new Map<string, { bytes: number; files: number }>()
    for (const [path, bytes] of inputs) {
      const group = groups.get(groupOf(path)) ?? { bytes: 0, files: 0 }
      group.bytes += bytes
      group.files += 1
      groups.set(groupOf(path), group)
    }
    return groups
  }
  const sdkGroups = byGroup(sdkInputs)
  const added: Contribution[] = [...byGroup(fullInputs)]
    .map(([owner, { bytes, files }]) => ({ owner, bytes: bytes - (sdkGroups.get(owner)?.bytes ?? 0), files: files - (sdkGroups.get(owner)?.files ?? 0) }))
    .filter((c) => c.bytes !== 0)
    .sort((a, b) => b.bytes - a.bytes)
  const duplicated = added.filter((c) => c.bytes > 1024 && (sdkGroups.get(c.owner)?.bytes ?? 0) > 0)
  const topFiles = [...fullInputs]
    .filter(([path]) => !sdkInputs.has(path))
    .map(([path, bytes]) => ({ path, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 12)

  return {
    integration: side(bundlePath, metafileOf(full)),
    sdkOnly: side(sdkPath, metafileOf(sdk)),
    added,
    duplicated,
    topFiles,
    bundlePath,
    sdkOnlyPath: sdkPath,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}
