// Bundles the integration the way the Botpress CLI does (esbuild, CommonJS, Node), into dist/index.js.
import { build } from 'esbuild'

const result = await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
})
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0)
console.log(`dist/index.js: ${(bytes / 1024).toFixed(0)} KiB`)
