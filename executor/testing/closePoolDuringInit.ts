// Run as a process of its own by workerPool.test.ts: starts a pool, seeds it, and closes it while the seeding is in
// flight, with nothing else keeping the process alive. Prints `closed` once close() resolved.

import { createWorkerPool } from '../parallel/workerPool.ts'
import { createWorldState } from '../state/worldState.ts'

const pool = createWorkerPool({ size: 2 })
pool
  .init({ chainId: 901901, hardfork: 'prague', snapshot: createWorldState().snapshot(), version: 'v' })
  .catch(() => {})
setTimeout(
  () =>
    void pool.close().then(() => {
      process.stdout.write('closed\n')
    }),
  Number(process.argv[2] ?? 300),
)
