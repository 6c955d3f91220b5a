// The worker pool's lifecycle, in processes of their own (what is tested is when a process may exit).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { orderedTrieRoot } from '../../core/trie/orderedTrieRoot.ts'
import { packItems, unpackItems } from './messages.ts'
import { createWorkerPool } from './workerPool.ts'

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

// Items of every size class, an empty one (left out of an ordered trie), and more than 128 (rlp(i) ordering).
function items(n: number, seed: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) =>
    i === 3
      ? new Uint8Array(0)
      : Uint8Array.from({ length: ((i * 37 + seed) % 300) + 1 }, (_, k) => (i + k * seed) % 256),
  )
}

describe('workerPool.orderedRoots', () => {
  const pool = createWorkerPool({ size: 1 })
  afterAll(() => pool.close())

  it('behavior: a worker computes the same ordered-trie roots as this thread, for each list', async () => {
    const lists = [items(1_000, 7), items(130, 11), items(1, 5), []]
    const roots = await pool.orderedRoots(0, lists)
    expect(roots.map((r) => Buffer.from(r).toString('hex'))).toEqual(
      lists.map((l) => Buffer.from(orderedTrieRoot(l)).toString('hex')),
    )
  })

  it('behavior: packed items come back as the same byte strings', () => {
    const list = items(200, 3)
    expect(unpackItems(packItems(list))).toEqual(list)
  })
})
