// Bundles the integration the way the Botpress CLI does (esbuild, CommonJS, Node, plus the definition's own esbuild
// options), into dist/index.js.
import { build } from 'esbuild'
import definition from '../integration.definition'

export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
  ...definition.__advanced?.esbuild,
} as const

const main = async () => {
  const result = await build({ ...bundleOptions, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' })
  const bytes = Object.values(result.metafile?.outputs ?? {}).reduce((sum, output) => sum + output.bytes, 0)
  console.log(`dist/index.js: ${(bytes / 1024).toFixed(0)} KiB`)
}

if (require.main === module) void main()
