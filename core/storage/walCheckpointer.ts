import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'
import type { Logger } from '../log/logger.ts'

/**
 * The main connection checkpoints by itself only past this many WAL pages (~40 MB): a fallback should the
 * thread fall behind or stop. SQLite's default is 1,000.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000

/** A running checkpointer thread. */
export type WalCheckpointer = { close(): Promise<void> }

/**
 * Moves WAL checkpoints off the main thread. With SQLite's default, the commit that takes the log past
 * 1,000 pages (~4 MB: every few blocks under load) copies them all into the database file and fsyncs it,
 * inside the main thread's commit. Writing 500-tx ERC-20 blocks on an idle machine, that made the commit's
 * median 15.8 ms (max 25) against 8.7 ms (max 12) with the automatic checkpoint off (docs/throughput.md). A thread of its own checkpoints every `intervalMs` instead, with
 * its own connection; the main connection keeps a far threshold as a fallback, and returns to SQLite's default
 * if the thread fails. Call `close()` before closing `db`, so that the last connection's close checkpoints
 * and removes the log.
 */
export function startWalCheckpointer(
  db: Database.Database,
  { intervalMs = 250, log }: { intervalMs?: number; log?: Logger } = {},
): WalCheckpointer {
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`)
  const worker = new Worker(new URL('./walCheckpointWorker.mjs', import.meta.url), {
    workerData: { path: db.name, intervalMs },
  })
  // never what keeps a process alive: a checkpoint cut short by an exit is one SQLite recovers from
  worker.unref()
  let closing = false
  const fallBack = (why: string) => {
    if (closing || !db.open) return
    log?.warn({ reason: why }, 'WAL checkpointer thread stopped; the main connection checkpoints again')
    db.pragma('wal_autocheckpoint = 1000')
  }
  worker.on('message', (m: { error?: string }) => fallBack(m.error ?? 'unknown'))
  worker.on('error', (err) => fallBack(err.message))
  worker.on('exit', (code) => fallBack(`exit ${code}`))
  return {
    async close() {
      closing = true
      await worker.terminate()
    },
  }
}
