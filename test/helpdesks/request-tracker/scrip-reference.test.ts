import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { conversationOfReference, referenceFor } from '../../../contract/reference'

/*
 * Request Tracker's hitl scrip computes each conversation's reference in Perl, from the Botpress conversation id the
 * ticket keeps and the webhook secret of its settings. The scrip's own code for it (taken from the scrip file, so the
 * test follows any change to it) is run with perl, as RT runs it, and must give exactly what the integration issues.
 */

const scrip = readFileSync(fileURLToPath(new URL('../../../src/helpdesks/request-tracker/rt-side/hitl-scrip.pl', import.meta.url)), 'utf8')
const snippet = /^my \$reference_of = sub \{\n[\s\S]*?\n\};$/m.exec(scrip)?.[0]

const perlMissing = spawnSync('perl', ['-e', '1']).error

/** The scrip's reference for each conversation id, computed by perl with the scrip's code (ids decoded as RT holds them). */
const perlReferences = (secret: string, conversationIds: string[]): string[] => {
  const program = `use strict; use warnings; use Digest::SHA (); use MIME::Base64 ();\n${snippet}\nmy $secret = shift @ARGV;\nbinmode STDOUT, ':encoding(UTF-8)';\nprint $reference_of->($secret, $_), "\\n" for @ARGV;\n`
  const run = spawnSync('perl', ['-CA', '-e', program, secret, ...conversationIds], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`perl failed (${run.status}): ${run.stderr}`)
  return run.stdout.split('\n').slice(0, -1)
}

describe("Request Tracker's scrip: the conversation reference", () => {
  it('holds the code that computes it', () => {
    expect(snippet).toContain('hmac_sha256')
    expect(scrip).toMatch(/reference => \$reference/)
  })

  if (perlMissing) {
    it.skip(`skipped: perl cannot be run here (${perlMissing.message}), so the scrip's Perl cannot be checked`, () => {})
    return
  }

  it('is the reference the integration issues, for every secret and conversation id', () => {
    const conversationIds = ['conv_01JT2X4F8M9Q3R5S7V', 'conv_with.dots.in.it', 'conv_é中', '7']
    for (const secret of [`whsec_${randomBytes(32).toString('base64')}`, `whsec_${randomBytes(24).toString('base64')}`]) {
      const fromPerl = perlReferences(secret, conversationIds)
      expect(fromPerl).toEqual(conversationIds.map((id) => referenceFor(secret, id)))
      expect(fromPerl.map((reference) => conversationOfReference(secret, reference))).toEqual(conversationIds)
    }
  })

  it('is not one another installation, with another secret, would accept', () => {
    const [reference] = perlReferences(`whsec_${randomBytes(32).toString('base64')}`, ['conv_1'])
    expect(conversationOfReference(`whsec_${randomBytes(32).toString('base64')}`, reference!)).toBeUndefined()
  })
})
