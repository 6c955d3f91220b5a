import { bytesToHex, hexToBytes } from '@ethereumjs/util'
import type Database from 'better-sqlite3'
import type { Hex } from 'viem'

/** A block ready to persist: its RPC-shaped header and, in block order, its transactions, receipts and logs. */
export type StoredBlock = {
  number: bigint
  hash: Hex
  headerRlp: Uint8Array
  /** The header as `eth_getBlockBy*` returns it, without `transactions`. */
  header: Record<string, unknown>
  txs: { hash: Hex; raw: Uint8Array; tx: Record<string, unknown>; receipt: Record<string, unknown> }[]
  logs: { logIndex: number; address: Hex; topics: Hex[]; log: Record<string, unknown> }[]
}

/** A log query over stored blocks. */
export type LogQuery = {
  fromBlock: bigint
  toBlock: bigint
  addresses?: Hex[]
  topics?: (Hex[] | null)[]
  limit: number
}

/** Blocks, transactions, receipts and logs in SQLite. */
export type ChainStore = {
  putBlock(block: StoredBlock): void
  headNumber(): bigint | undefined
  headerByNumber(n: bigint): Record<string, unknown> | undefined
  headerByHash(hash: Hex): Record<string, unknown> | undefined
  hashByNumber(n: bigint): Hex | undefined
  txHashesOfBlock(n: bigint): Hex[]
  txsOfBlock(n: bigint): Record<string, unknown>[]
  receiptsOfBlock(n: bigint): Record<string, unknown>[]
  txByHash(hash: Hex): Record<string, unknown> | undefined
  receiptByHash(hash: Hex): Record<string, unknown> | undefined
  rawTxByHash(hash: Hex): Uint8Array | undefined
  /** Logs matching the query, in chain order; returns limit+1 rows at most so callers can tell an overflow. */
  logs(query: LogQuery): Record<string, unknown>[]
  /** The executor's statistics for block n (lanes, re-executions, time per phase). */
  putStats(n: bigint, stats: Record<string, unknown>): void
  stats(n: bigint): Record<string, unknown> | undefined
}

/** Creates the chain store over an open database. */
export function createChainStore(db: Database.Database): ChainStore {
  const q = {
    putBlock: db.prepare('INSERT INTO blocks (number, hash, header_rlp, header_json) VALUES (?, ?, ?, ?)'),
    putTx: db.prepare(
      'INSERT OR REPLACE INTO txs (hash, block_number, idx, raw, tx_json, receipt_json) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    putLog: db.prepare(
      'INSERT INTO logs (block_number, log_index, address, topic0, topic1, topic2, topic3, log_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    putMeta: db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('head', ?)"),
    head: db.prepare("SELECT value FROM meta WHERE key = 'head'"),
    headerByNumber: db.prepare('SELECT header_json FROM blocks WHERE number = ?'),
    headerByHash: db.prepare('SELECT header_json FROM blocks WHERE hash = ?'),
    hashByNumber: db.prepare('SELECT hash FROM blocks WHERE number = ?'),
    txsOfBlock: db.prepare('SELECT hash, tx_json, receipt_json FROM txs WHERE block_number = ? ORDER BY idx'),
    txByHash: db.prepare('SELECT tx_json, receipt_json, raw FROM txs WHERE hash = ?'),
    putStats: db.prepare('INSERT OR REPLACE INTO block_stats (number, stats_json) VALUES (?, ?)'),
    stats: db.prepare('SELECT stats_json FROM block_stats WHERE number = ?'),
  }
  const txsOf = (n: bigint) => q.txsOfBlock.all(Number(n)) as { hash: Buffer; tx_json: string; receipt_json: string }[]
  const txRow = (hash: Hex) =>
    q.txByHash.get(hexToBytes(hash)) as { tx_json: string; receipt_json: string; raw: Buffer } | undefined

  return {
    putBlock(b) {
      const n = Number(b.number)
      q.putBlock.run(n, hexToBytes(b.hash), b.headerRlp, JSON.stringify(b.header))
      b.txs.forEach((t, i) => {
        q.putTx.run(hexToBytes(t.hash), n, i, t.raw, JSON.stringify(t.tx), JSON.stringify(t.receipt))
      })
      for (const l of b.logs) {
        const [t0, t1, t2, t3] = l.topics.map((t) => hexToBytes(t))
        q.putLog.run(
          n,
          l.logIndex,
          hexToBytes(l.address),
          t0 ?? null,
          t1 ?? null,
          t2 ?? null,
          t3 ?? null,
          JSON.stringify(l.log),
        )
      }
      q.putMeta.run(String(n))
    },
    headNumber() {
      const r = q.head.get() as { value: string } | undefined
      return r ? BigInt(r.value) : undefined
    },
    headerByNumber(n) {
      const r = q.headerByNumber.get(Number(n)) as { header_json: string } | undefined
      return r ? JSON.parse(r.header_json) : undefined
    },
    headerByHash(hash) {
      const r = q.headerByHash.get(hexToBytes(hash)) as { header_json: string } | undefined
      return r ? JSON.parse(r.header_json) : undefined
    },
    hashByNumber(n) {
      const r = q.hashByNumber.get(Number(n)) as { hash: Buffer } | undefined
      return r ? (bytesToHex(r.hash) as Hex) : undefined
    },
    txHashesOfBlock: (n) => txsOf(n).map((r) => bytesToHex(r.hash) as Hex),
    txsOfBlock: (n) => txsOf(n).map((r) => JSON.parse(r.tx_json)),
    receiptsOfBlock: (n) => txsOf(n).map((r) => JSON.parse(r.receipt_json)),
    txByHash(hash) {
      const r = txRow(hash)
      return r ? JSON.parse(r.tx_json) : undefined
    },
    receiptByHash(hash) {
      const r = txRow(hash)
      return r ? JSON.parse(r.receipt_json) : undefined
    },
    rawTxByHash(hash) {
      const r = txRow(hash)
      return r ? new Uint8Array(r.raw) : undefined
    },
    putStats(n, stats) {
      q.putStats.run(Number(n), JSON.stringify(stats))
    },
    stats(n) {
      const r = q.stats.get(Number(n)) as { stats_json: string } | undefined
      return r ? JSON.parse(r.stats_json) : undefined
    },
    logs({ fromBlock, toBlock, addresses, topics, limit }) {
      const where = ['block_number >= ?', 'block_number <= ?']
      const args: unknown[] = [Number(fromBlock), Number(toBlock)]
      if (addresses?.length) {
        where.push(`address IN (${addresses.map(() => '?').join(',')})`)
        for (const a of addresses) args.push(hexToBytes(a))
      }
      topics?.slice(0, 4).forEach((alts, i) => {
        if (!alts || alts.length === 0) return
        where.push(`topic${i} IN (${alts.map(() => '?').join(',')})`)
        for (const t of alts) args.push(hexToBytes(t))
      })
      const sql = `SELECT log_json FROM logs WHERE ${where.join(' AND ')} ORDER BY block_number, log_index LIMIT ?`
      args.push(limit + 1)
      return (db.prepare(sql).all(...args) as { log_json: string }[]).map((r) => JSON.parse(r.log_json))
    },
  }
}
