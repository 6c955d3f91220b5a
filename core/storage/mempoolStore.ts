import { hexToBytes } from '@ethereumjs/util'
import type Database from 'better-sqlite3'
import type { Hash } from 'viem'

/** The durable pool: every accepted tx is written here before its hash is returned to the caller. */
export type MempoolStore = {
  /** Resolves once the row is committed; concurrent calls share one commit (group commit). */
  insert(row: { hash: Hash; raw: Uint8Array; seq: number }): Promise<void>
  /** Deletes rows (call inside the block's transaction, or alone). */
  delete(hashes: Iterable<Hash>): void
  /** Every stored tx in arrival order. */
  all(): { raw: Uint8Array; seq: number }[]
}

/**
 * Creates the mempool store. Inserts are queued and flushed on the next turn of the event loop in
 * one SQLite transaction: with `synchronous=FULL` that is one fsync for every request that arrived
 * meanwhile, instead of one each.
 */
export function createMempoolStore(db: Database.Database): MempoolStore {
  const ins = db.prepare('INSERT OR REPLACE INTO mempool (hash, raw, seq) VALUES (?, ?, ?)')
  const del = db.prepare('DELETE FROM mempool WHERE hash = ?')
  const all = db.prepare('SELECT raw, seq FROM mempool ORDER BY seq')
  let queue: { row: { hash: Hash; raw: Uint8Array; seq: number }; resolve(): void; reject(e: unknown): void }[] = []
  const flush = db.transaction((rows: typeof queue) => {
    for (const { row } of rows) ins.run(hexToBytes(row.hash), row.raw, row.seq)
  })
  const run = () => {
    const batch = queue
    queue = []
    try {
      flush(batch)
      for (const b of batch) b.resolve()
    } catch (err) {
      for (const b of batch) b.reject(err)
    }
  }
  return {
    insert(row) {
      return new Promise((resolve, reject) => {
        if (queue.length === 0) setImmediate(run)
        queue.push({ row, resolve, reject })
      })
    },
    delete(hashes) {
      for (const h of hashes) del.run(hexToBytes(h))
    },
    all: () => (all.all() as { raw: Buffer; seq: number }[]).map((r) => ({ raw: new Uint8Array(r.raw), seq: r.seq })),
  }
}
