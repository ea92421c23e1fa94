// definitions/ and contract/ sit below src/: the definition (read by the Botpress CLI and the Hub) and the helpdesk
// contract must not pull in the implementation. A relative import that climbs into src/ (or, for contract/, into
// definitions/) fails here.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '..')

const filesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []
  )

const importsOf = (file: string): string[] =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) =>
    relative(ROOT, resolve(ROOT, dirname(file), match[1] ?? ''))
  )

const climbing = (dirs: readonly string[], forbidden: readonly string[]) =>
  dirs
    .flatMap(filesUnder)
    .flatMap((file) => importsOf(file).map((target) => `${file} -> ${target}`))
    .filter((edge) => forbidden.some((dir) => edge.split(' -> ')[1]?.startsWith(`${dir}/`)))

describe('import direction', () => {
  it('definitions/ and the definition file import nothing from src/', () => {
    const fromDefinitionFile = importsOf('integration.definition.ts')
      .filter((target) => target.startsWith('src/'))
      .map((target) => `integration.definition.ts -> ${target}`)
    expect([...climbing(['definitions'], ['src']), ...fromDefinitionFile]).toEqual([])
  })

  it('contract/ imports nothing from src/ or definitions/', () => {
    expect(climbing(['contract'], ['src', 'definitions'])).toEqual([])
  })
})
