import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // One process per worker runs file after file: the SDK, zod schemas and the sandbox load once per worker rather
    // than once per file (most of the suite's time on a small machine). Each file restores what it changes (timers,
    // mocks, nock, env) in its hooks; `unstubEnvs` covers a test that fails between vi.stubEnv and its restore.
    isolate: false,
    unstubEnvs: true,
    // vitest's default is one worker per core minus one: a single worker on a 2-core machine. The slowest files wait
    // on Chromium, child processes and fake time's real pauses, so at least two workers overlap that waiting.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // the helpdesks of the tests listen on 127.0.0.1 (src/helpdesk/address-rules.ts)
    env: { HITL_ALLOW_LOOPBACK_HELPDESK: '1' },
    // console lines of passing tests are kept from the output; test/harness/logs.ts lets a test assert on them
    silent: 'passed-only',
    setupFiles: ['test/harness/logs.ts'],
  },
})
