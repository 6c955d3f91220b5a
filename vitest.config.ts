import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{core,sequencer,executor,prover-stub,contracts,test}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
})
