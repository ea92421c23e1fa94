import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { buildOpenApiDocument } from './build-document'

/** Where the generated document is committed. */
export const documentPath = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url))

export const REGENERATE_COMMAND = 'npm run openapi'

/** The document as committed: 2-space JSON, keys in the order the builder gives them, a final newline. */
export const renderOpenApiDocument = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`

const main = async () => {
  const check = process.argv.includes('--check')
  const text = renderOpenApiDocument()
  if (check) {
    const committed = await readFile(documentPath, 'utf8').catch(() => '')
    if (committed !== text) {
      process.stderr.write(`docs/openapi.json is out of date with contract/: run \`${REGENERATE_COMMAND}\`\n`)
      process.exitCode = 1
      return
    }
    process.stdout.write('docs/openapi.json is up to date\n')
    return
  }
  await writeFile(documentPath, text)
  process.stdout.write(`Wrote ${documentPath}\n`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exitCode = 1
  })
}
