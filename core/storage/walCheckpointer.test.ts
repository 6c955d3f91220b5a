import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from './openDatabase.ts'
import { FALLBACK_AUTOCHECKPOINT_PAGES, startWalCheckpointer } from './walCheckpointer.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** Writes ~6 MB (past SQLite's default 1,000-page threshold) in small commits, as blocks do. */
function fill(db: ReturnType<typeof openDatabase>) {
  db.exec('CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, v BLOB NOT NULL)')
  const ins = db.prepare('INSERT INTO blobs (v) VALUES (?)')
  const commit = db.transaction(() => {
    for (let i = 0; i < 64; i++) ins.run(Buffer.alloc(4096, i))
  })
  for (let k = 0; k < 24; k++) commit()
}

const open = () => {
  const dir = mkdtempSync(join(tmpdir(), 'wal-'))
  dirs.push(dir)
  const path = join(dir, 'chain.sqlite')
  return { db: openDatabase({ path }), path }
}

describe('WAL checkpointer thread', () => {
  it('behavior: the pages written reach the database file without the main connection checkpointing', async () => {
    const { db, path } = open()
    const checkpointer = startWalCheckpointer(db, { intervalMs: 20 })
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(FALLBACK_AUTOCHECKPOINT_PAGES)
    const before = statSync(path).size
    fill(db)
    const deadline = Date.now() + 5_000
    while (statSync(path).size < before + 5_000_000 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    expect(statSync(path).size).toBeGreaterThan(before + 5_000_000)
    await checkpointer.close()
    expect(db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 24 * 64 })
    db.close()
  })

  it('behavior: without it (the fallback threshold alone) the same writes stay in the log', () => {
    const { db, path } = open()
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`)
    const before = statSync(path).size
    fill(db)
    expect(statSync(path).size).toBe(before)
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(5_000_000)
    db.close()
  })
})
