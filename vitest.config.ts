import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{core,sequencer,executor,prover-stub,contracts,test,scripts,bench}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The JSON report lets CI print a plain 'N passed, N failed' line (.ci/run).
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
  },
})
