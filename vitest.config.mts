import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // the helpdesks of the tests listen on 127.0.0.1 (src/helpdesk/address-rules.ts)
    env: { HITL_ALLOW_LOOPBACK_HELPDESK: '1' },
    // console lines of passing tests are kept from the output; test/harness/logs.ts lets a test assert on them
    silent: 'passed-only',
    setupFiles: ['test/harness/logs.ts'],
  },
})
