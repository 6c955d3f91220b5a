import type { Common } from '@ethereumjs/common'
import { bigIntToUnpaddedBytes, bytesToBigInt } from '@ethereumjs/util'
import type Database from 'better-sqlite3'
import type { Address, Hex } from 'viem'
import {
  type BlockPlace,
  blockPlaceOf,
  formatLog,
  formatMinedTransaction,
  formatReceipt,
  type LogFacts,
  type TxFacts,
} from '../chain/formatReceipt.ts'
import { bufferHex, hexBuffer } from './hexBuffer.ts'

/**
 * A block ready to persist: its RPC-shaped header and, in block order, its transactions (wire bytes, sender and
 * receipt facts) and logs. The transactions', receipts' and logs' JSON shapes are built when read.
 */
export type StoredBlock = {
  number: bigint
  hash: Hex
  headerRlp: Uint8Array
  /** The header as `eth_getBlockBy*` returns it, without `transactions`. */
  header: Record<string, unknown>
  txs: TxFacts[]
  logs: LogFacts[]
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

type TxRow = {
  block_number: number
  idx: number
  hash: Buffer
  raw: Buffer
  sender: Buffer
  to_addr: Buffer | null
  status: number
  cumulative_gas: number
  gas_used: number
  gas_price: Buffer
  contract_address: Buffer | null
  first_log: number
  log_count: number
}
type LogRow = {
  block_number: number
  log_index: number
  tx_idx: number
  address: Buffer
  topic0: Buffer | null
  topic1: Buffer | null
  topic2: Buffer | null
  topic3: Buffer | null
  data: Buffer
  tx_hash: Buffer
}

const hex = (b: Buffer) => bufferHex<Hex>(b)
const address = (b: Buffer | null) => (b ? bufferHex<Address>(b) : null)

function txFactsOf(r: TxRow): TxFacts {
  return {
    hash: hex(r.hash),
    raw: r.raw,
    sender: address(r.sender)!,
    to: address(r.to_addr),
    status: r.status === 1 ? 1 : 0,
    cumulativeGasUsed: BigInt(r.cumulative_gas),
    gasUsed: BigInt(r.gas_used),
    effectiveGasPrice: bytesToBigInt(r.gas_price),
    contractAddress: address(r.contract_address),
    firstLog: r.first_log,
    logCount: r.log_count,
  }
}

function logFactsOf(r: Omit<LogRow, 'tx_hash'>, txHash: Buffer): LogFacts {
  const topics: Hex[] = []
  for (const t of [r.topic0, r.topic1, r.topic2, r.topic3]) if (t) topics.push(hex(t))
  return {
    logIndex: r.log_index,
    txIndex: r.tx_idx,
    txHash: hex(txHash),
    address: address(r.address)!,
    topics,
    data: hex(r.data),
  }
}

// the newest blocks' header fields, which every tx, receipt and log read repeats
const PLACE_CACHE = 256

/**
 * How many txs the newest blocks' facts may hold in memory, as putBlock was given them (at least the newest
 * block is kept whatever its size). A wallet asks for its receipt within seconds of the block, and reading a
 * 500-tx block's receipts back from SQLite cost ~65-80 µs a receipt on the node's main thread (rows and their blob
 * Buffers, hex, the bloom recomputed from the logs; CPU profile and scratch benchmark): geth keeps a receipts cache
 * of its newest blocks for the same reason. ~4.8 s of blocks at 3,400 tx/s; ~29 MiB of heap when full of one-log
 * txs with their blooms (scratch measurement: 16,000 txs held after 40 blocks of 500).
 */
const RECENT_TXS = 16_384

/** A block's facts as putBlock was given them, kept for the reads that follow it. */
type RecentBlock = { hash: Hex; place: BlockPlace; txs: TxFacts[]; logs: LogFacts[] }

/**
 * Creates the chain store over an open database. Blocks keep their header JSON; transactions, receipts and logs are
 * stored as facts (migration `compactChainRows`) and shaped for JSON-RPC when read, which needs the chain's `common`
 * to decode transactions.
 */
export function createChainStore(
  db: Database.Database,
  common: Common,
  /** How many txs of the newest blocks putBlock keeps in memory for reads (default {@link RECENT_TXS}). */
  { recentTxs = RECENT_TXS }: { recentTxs?: number } = {},
): ChainStore {
  const logColumns =
    'l.block_number, l.log_index, l.tx_idx, l.address, l.topic0, l.topic1, l.topic2, l.topic3, l.data, t.hash AS tx_hash'
  const logJoin = 'block_logs l JOIN block_txs t ON t.block_number = l.block_number AND t.idx = l.tx_idx'
  const q = {
    putBlock: db.prepare('INSERT INTO blocks (number, hash, header_rlp, header_json) VALUES (?, ?, ?, ?)'),
    putTx: db.prepare('INSERT INTO block_txs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    putLookup: db.prepare('INSERT OR REPLACE INTO tx_lookup (hash, block_number, idx) VALUES (?, ?, ?)'),
    putLog: db.prepare('INSERT INTO block_logs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    putMeta: db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('head', ?)"),
    head: db.prepare("SELECT value FROM meta WHERE key = 'head'"),
    headerByNumber: db.prepare('SELECT header_json FROM blocks WHERE number = ?'),
    headerByHash: db.prepare('SELECT header_json FROM blocks WHERE hash = ?'),
    hashByNumber: db.prepare('SELECT hash FROM blocks WHERE number = ?'),
    txHashesOfBlock: db.prepare('SELECT hash FROM block_txs WHERE block_number = ? ORDER BY idx').pluck(),
    txsOfBlock: db.prepare('SELECT * FROM block_txs WHERE block_number = ? ORDER BY idx'),
    tx: db.prepare('SELECT * FROM block_txs WHERE block_number = ? AND idx = ?'),
    lookup: db.prepare('SELECT block_number, idx FROM tx_lookup WHERE hash = ?'),
    logsOfBlock: db.prepare('SELECT * FROM block_logs WHERE block_number = ? ORDER BY log_index'),
    logsOfTx: db.prepare(
      'SELECT * FROM block_logs WHERE block_number = ? AND log_index >= ? AND log_index < ? ORDER BY log_index',
    ),
    putStats: db.prepare('INSERT OR REPLACE INTO block_stats (number, stats_json) VALUES (?, ?)'),
    stats: db.prepare('SELECT stats_json FROM block_stats WHERE number = ?'),
  }

  const places = new Map<number, BlockPlace>()
  const placeOf = (n: number): BlockPlace => {
    let p = places.get(n)
    if (p === undefined) {
      const r = q.headerByNumber.get(n) as { header_json: string } | undefined
      if (!r) throw new Error(`chain store: block ${n} has transactions but no header`)
      p = blockPlaceOf(JSON.parse(r.header_json))
      if (places.size >= PLACE_CACHE) places.delete(places.keys().next().value as number)
      places.set(n, p)
    }
    return p
  }
  // Filled by putBlock, which runs inside the caller's SQLite transaction: a cached block is served only while the
  // stored block under its number has its hash, so a rolled-back write is never answered from here.
  const recent = new Map<number, RecentBlock>()
  const recentTx = new Map<string, { n: number; idx: number }>()
  let recentCount = 0
  const remember = (n: number, b: StoredBlock) => {
    const place = blockPlaceOf(b.header)
    const old = recent.get(n)
    if (old) forget(n, old)
    recent.set(n, { hash: b.hash.toLowerCase() as Hex, place, txs: b.txs, logs: b.logs })
    recentCount += b.txs.length
    b.txs.forEach((t, idx) => {
      recentTx.set(t.hash.toLowerCase(), { n, idx })
    })
    for (const [m, r] of recent) {
      if (recentCount <= recentTxs || m === n) break
      forget(m, r)
    }
  }
  const forget = (n: number, r: RecentBlock) => {
    recent.delete(n)
    recentCount -= r.txs.length
    for (const t of r.txs) if (recentTx.get(t.hash.toLowerCase())?.n === n) recentTx.delete(t.hash.toLowerCase())
  }
  const cached = (n: number): RecentBlock | undefined => {
    const r = recent.get(n)
    if (r === undefined) return undefined
    const stored = q.hashByNumber.get(n) as { hash: Buffer } | undefined
    return stored && hex(stored.hash) === r.hash ? r : undefined
  }
  const cachedTx = (hash: Hex) => {
    const at = recentTx.get(hash.toLowerCase())
    const r = at && cached(at.n)
    return r ? { r, t: r.txs[at.idx], idx: at.idx } : undefined
  }
  const logsOf = (r: RecentBlock, t: TxFacts) => r.logs.slice(t.firstLog, t.firstLog + t.logCount)

  const txRowByHash = (hash: Hex) => {
    const at = q.lookup.get(hexBuffer(hash)) as { block_number: number; idx: number } | undefined
    return at ? (q.tx.get(at.block_number, at.idx) as TxRow | undefined) : undefined
  }
  const receiptOf = (r: TxRow, logs: LogFacts[]) =>
    formatReceipt(txFactsOf(r), r.idx, logs, placeOf(r.block_number), common)
  const txOf = (r: TxRow) =>
    formatMinedTransaction(
      { hash: hex(r.hash), raw: r.raw, sender: address(r.sender)! },
      r.idx,
      placeOf(r.block_number),
      common,
    )

  return {
    putBlock(b) {
      const n = Number(b.number)
      q.putBlock.run(n, hexBuffer(b.hash), b.headerRlp, JSON.stringify(b.header))
      b.txs.forEach((t, i) => {
        const hash = hexBuffer(t.hash)
        q.putTx.run(
          n,
          i,
          hash,
          t.raw,
          hexBuffer(t.sender),
          t.to ? hexBuffer(t.to) : null,
          t.status,
          t.cumulativeGasUsed,
          t.gasUsed,
          bigIntToUnpaddedBytes(t.effectiveGasPrice),
          t.contractAddress ? hexBuffer(t.contractAddress) : null,
          t.firstLog,
          t.logCount,
        )
        q.putLookup.run(hash, n, i)
      })
      for (const l of b.logs) {
        const [t0, t1, t2, t3] = l.topics.map((t) => hexBuffer(t))
        q.putLog.run(
          n,
          l.logIndex,
          l.txIndex,
          hexBuffer(l.address),
          t0 ?? null,
          t1 ?? null,
          t2 ?? null,
          t3 ?? null,
          hexBuffer(l.data),
        )
      }
      q.putMeta.run(String(n))
      remember(n, b)
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
      const r = q.headerByHash.get(hexBuffer(hash)) as { header_json: string } | undefined
      return r ? JSON.parse(r.header_json) : undefined
    },
    hashByNumber(n) {
      const r = q.hashByNumber.get(Number(n)) as { hash: Buffer } | undefined
      return r ? hex(r.hash) : undefined
    },
    txHashesOfBlock(n) {
      const r = cached(Number(n))
      return r ? r.txs.map((t) => t.hash) : (q.txHashesOfBlock.all(Number(n)) as Buffer[]).map(hex)
    },
    txsOfBlock(n) {
      const r = cached(Number(n))
      return r
        ? r.txs.map((t, i) => formatMinedTransaction(t, i, r.place, common))
        : (q.txsOfBlock.all(Number(n)) as TxRow[]).map(txOf)
    },
    receiptsOfBlock(n) {
      const r = cached(Number(n))
      if (r) return r.txs.map((t, i) => formatReceipt(t, i, logsOf(r, t), r.place, common))
      const txs = q.txsOfBlock.all(Number(n)) as TxRow[]
      // the block's logs in one read; each takes its tx's hash from the rows above
      const logs = (q.logsOfBlock.all(Number(n)) as Omit<LogRow, 'tx_hash'>[]).map((l) =>
        logFactsOf(l, txs[l.tx_idx].hash),
      )
      return txs.map((r) => receiptOf(r, logs.slice(r.first_log, r.first_log + r.log_count)))
    },
    txByHash(hash) {
      const c = cachedTx(hash)
      if (c) return formatMinedTransaction(c.t, c.idx, c.r.place, common)
      const r = txRowByHash(hash)
      return r ? txOf(r) : undefined
    },
    receiptByHash(hash) {
      const c = cachedTx(hash)
      if (c) return formatReceipt(c.t, c.idx, logsOf(c.r, c.t), c.r.place, common)
      const r = txRowByHash(hash)
      if (!r) return undefined
      // its logs are a range of the block's; the tx's own row gives their tx hash
      const logs = r.log_count
        ? (q.logsOfTx.all(r.block_number, r.first_log, r.first_log + r.log_count) as Omit<LogRow, 'tx_hash'>[]).map(
            (l) => logFactsOf(l, r.hash),
          )
        : []
      return receiptOf(r, logs)
    },
    rawTxByHash(hash) {
      const c = cachedTx(hash)
      if (c) return new Uint8Array(c.t.raw)
      const r = txRowByHash(hash)
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
      const where = ['l.block_number >= ?', 'l.block_number <= ?']
      const args: unknown[] = [Number(fromBlock), Number(toBlock)]
      if (addresses?.length) {
        where.push(`l.address IN (${addresses.map(() => '?').join(',')})`)
        for (const a of addresses) args.push(hexBuffer(a))
      }
      topics?.slice(0, 4).forEach((alts, i) => {
        if (!alts || alts.length === 0) return
        where.push(`l.topic${i} IN (${alts.map(() => '?').join(',')})`)
        for (const t of alts) args.push(hexBuffer(t))
      })
      const sql = `SELECT ${logColumns} FROM ${logJoin} WHERE ${where.join(' AND ')} ORDER BY l.block_number, l.log_index LIMIT ?`
      args.push(limit + 1)
      return (db.prepare(sql).all(...args) as LogRow[]).map((r) =>
        formatLog(logFactsOf(r, r.tx_hash), placeOf(r.block_number)),
      )
    },
  }
}
