// The node's WAL checkpointer thread (see walCheckpointer.ts): every `intervalMs` it copies the pages that the
// main thread's commits appended to the write-ahead log into the database file, with its own connection.
// PASSIVE never waits for, nor blocks, the writer or the readers; what it cannot copy yet it copies next time.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

const db = new Database(workerData.path)
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch (err) {
    // a busy database is reported in the pragma's result row, not thrown; anything thrown goes to the main
    // thread, which takes over
    clearInterval(timer)
    parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) })
  }
}, workerData.intervalMs)
