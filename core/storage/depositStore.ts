import type Database from 'better-sqlite3'
import { type Address, bytesToHex, getAddress, type Hex, hexToBytes } from 'viem'
import type { DepositEvent } from '../deposits/depositTx.ts'

/** SQLite access to the deposits the sequencer has seen on L1 and to each L2 block's L1 origin. */
export type DepositStore = {
  /** Records bridge events (idempotent by nonce). */
  add(events: readonly DepositEvent[]): void
  /** The last L1 block whose deposits are all recorded, if any scan happened. */
  scannedTo(): bigint | undefined
  setScannedTo(l1Block: bigint): void
  /** Deposits not yet in an L2 block, in nonce order from the next expected nonce, stopping at a gap. */
  queued(limit: number): DepositEvent[]
  /** Marks deposits as included in `l2Block` (call inside the block's transaction). */
  markIncluded(nonces: readonly bigint[], l2Block: bigint): void
  setOrigin(l2Block: bigint, l1Block: bigint): void
  /** The L1 origin of an L2 block (0 for blocks built without an L1). */
  originOf(l2Block: bigint): bigint
  /** The highest origin of any block so far (0 if none). */
  lastOrigin(): bigint
  /** The next nonce no L2 block has included yet. */
  nextNonce(): bigint
  byNonce(nonce: bigint): (DepositEvent & { l2Block?: bigint }) | undefined
}

type Row = {
  nonce: number
  l1_block: number
  l1_block_hash: Uint8Array
  log_index: number
  l1_tx_hash: Uint8Array
  from_addr: Uint8Array
  to_addr: Uint8Array
  amount: string
  l2_block: number | null
}

const fromRow = (r: Row): DepositEvent & { l2Block?: bigint } => ({
  nonce: BigInt(r.nonce),
  from: getAddress(bytesToHex(r.from_addr)) as Address,
  to: getAddress(bytesToHex(r.to_addr)) as Address,
  amount: BigInt(r.amount),
  l1BlockNumber: BigInt(r.l1_block),
  l1BlockHash: bytesToHex(r.l1_block_hash) as Hex,
  logIndex: r.log_index,
  l1TxHash: bytesToHex(r.l1_tx_hash) as Hex,
  ...(r.l2_block === null ? {} : { l2Block: BigInt(r.l2_block) }),
})

/** Creates the deposit store over the node's database (schema in core/storage/migrate.ts). */
export function createDepositStore(db: Database.Database): DepositStore {
  const ins = db.prepare(
    `INSERT OR IGNORE INTO deposits (nonce, l1_block, l1_block_hash, log_index, l1_tx_hash, from_addr, to_addr, amount)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const getMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?')
  const setMeta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
  const nextNonce = db.prepare<[], { n: number | null }>(
    'SELECT MAX(nonce) AS n FROM deposits WHERE l2_block IS NOT NULL',
  )
  const queued = db.prepare<[number, number], Row>(
    'SELECT * FROM deposits WHERE l2_block IS NULL AND nonce >= ? ORDER BY nonce LIMIT ?',
  )
  const mark = db.prepare('UPDATE deposits SET l2_block = ? WHERE nonce = ? AND l2_block IS NULL')
  const setOrigin = db.prepare('INSERT OR REPLACE INTO l1_origins (l2_block, l1_block) VALUES (?, ?)')
  const originOf = db.prepare<[number], { l1_block: number }>('SELECT l1_block FROM l1_origins WHERE l2_block = ?')
  const lastOrigin = db.prepare<[], { m: number | null }>('SELECT MAX(l1_block) AS m FROM l1_origins')
  const byNonce = db.prepare<[number], Row>('SELECT * FROM deposits WHERE nonce = ?')
  const addAll = db.transaction((events: readonly DepositEvent[]) => {
    for (const e of events)
      ins.run(
        Number(e.nonce),
        Number(e.l1BlockNumber),
        hexToBytes(e.l1BlockHash),
        e.logIndex,
        hexToBytes(e.l1TxHash),
        hexToBytes(e.from),
        hexToBytes(e.to),
        e.amount.toString(),
      )
  })
  const next = () => {
    const n = nextNonce.get()?.n
    return n === null || n === undefined ? 0n : BigInt(n) + 1n
  }
  return {
    add: (events) => addAll(events),
    scannedTo: () => {
      const v = getMeta.get('deposits_scanned_to')?.value
      return v === undefined ? undefined : BigInt(v)
    },
    setScannedTo: (n) => void setMeta.run('deposits_scanned_to', n.toString()),
    queued(limit) {
      const from = next()
      const out: DepositEvent[] = []
      for (const r of queued.all(Number(from), limit)) {
        if (BigInt(r.nonce) !== from + BigInt(out.length)) break
        out.push(fromRow(r))
      }
      return out
    },
    markIncluded(nonces, l2Block) {
      for (const n of nonces)
        if (mark.run(Number(l2Block), Number(n)).changes !== 1)
          throw new Error(`deposit ${n} is unknown or already included`)
    },
    setOrigin: (l2, l1) => void setOrigin.run(Number(l2), Number(l1)),
    originOf: (l2) => BigInt(originOf.get(Number(l2))?.l1_block ?? 0),
    lastOrigin: () => BigInt(lastOrigin.get()?.m ?? 0),
    nextNonce: next,
    byNonce: (n) => {
      const r = byNonce.get(Number(n))
      return r ? fromRow(r) : undefined
    },
  }
}
