import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { migrate } from './migrate.ts'

export type { Database } from 'better-sqlite3'

/** Parameters for {@link openDatabase}. */
export type OpenDatabaseParameters = {
  path: string
  /** FULL fsyncs the WAL on every commit (a returned tx hash survives power loss); NORMAL survives process crashes only. */
  synchronous?: 'FULL' | 'NORMAL'
  readonly?: boolean
}

/**
 * Opens the node's SQLite database in WAL mode (readers run beside the one writer) and applies
 * migrations. The main thread owns the only writable connection; one `db.transaction()` per block.
 */
export function openDatabase({
  path,
  synchronous = 'FULL',
  readonly = false,
}: OpenDatabaseParameters): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path, { readonly })
  if (!readonly) {
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${synchronous}`)
    db.pragma('foreign_keys = OFF')
    migrate(db)
  }
  db.pragma('cache_size = -65536')
  return db
}
