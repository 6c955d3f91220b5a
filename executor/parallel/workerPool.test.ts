// The worker pool's lifecycle, in processes of their own (what is tested is when a process may exit).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

describe('createWorkerPool', () => {
  it('behavior: close() during the seeding resolves, even with nothing else keeping the process alive', () => {
    // The workers are unref'd when idle; a failed seeding released them while close() still waited on their exit,
    // so the process ended first: a sequencer that could not start (L1 down) exited 0 without its error (npm run
    // chaos, l1-restart).
    for (const delayMs of [250, 500]) {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'executor/testing/closePoolDuringInit.ts', String(delayMs)],
        { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 },
      )
      expect(r.stdout, r.stderr).toBe('closed\n')
    }
  })
})
