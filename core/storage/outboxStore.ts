import type Database from 'better-sqlite3'
import { bytesToHex, type Hex, hexToBytes } from 'viem'

/**
 * Where a batch is on its way to L1:
 *
 *   open ──seal──▶ sealed ──sign+send──▶ submitted ──mined──▶ posted ──L1_CONFIRMATIONS──▶ confirmed
 *                    ▲                                          │                            │
 *                    └──────────── an L1 reorg dropped it ──────┴────────────────────────────┘
 *
 *   confirmed ──prover attests on L1──▶ attested ──the attestation is L1-finalized──▶ finalized
 *   confirmed ──prover disputes on L1──▶ disputed
 *
 * `open` is the batch still taking blocks (at most one, always the highest index).
 */
export type BatchStatus =
  | 'open'
  | 'sealed'
  | 'submitted'
  | 'posted'
  | 'confirmed'
  | 'attested'
  | 'finalized'
  | 'disputed'

/** One row of the outbox. Block numbers are L2 blocks; `l1*` fields describe the including L1 tx. */
export type OutboxBatch = {
  index: number
  status: BatchStatus
  firstBlock: bigint
  lastBlock: bigint
  openedAt: number
  sealedAt?: number
  /** the exact bytes posted as `data` to Rollup.submitBatch (version byte ‖ brotli(RLP)) */
  data?: Uint8Array
  dataHash?: Hex
  prevOutputRoot?: Hex
  outputRoot?: Hex
  l1TxHash?: Hex
  l1BlockNumber?: bigint
  l1BlockHash?: Hex
  postedAt?: number
  confirmedAt?: number
  /** how many times a reorg sent this batch back to `sealed` */
  reposts: number
  lastError?: string
  attestedAt?: number
}

/** An L1 transaction signed for a batch. Fee bumps replace an earlier post with the same nonce. */
export type BatchPost = {
  txHash: Hex
  batchIndex: number
  nonce: number
  maxFeePerGas: bigint
  maxPriorityFeePerGas: bigint
  raw: Hex
  sentAt: number
}

type Row = {
  idx: number
  status: BatchStatus
  first_block: number
  last_block: number
  opened_at: number
  sealed_at: number | null
  data: Uint8Array | null
  data_hash: Uint8Array | null
  prev_output_root: Uint8Array | null
  output_root: Uint8Array | null
  l1_tx_hash: Uint8Array | null
  l1_block_number: number | null
  l1_block_hash: Uint8Array | null
  posted_at: number | null
  confirmed_at: number | null
  reposts: number
  last_error: string | null
  attested_at: number | null
}

const hex = (b: Uint8Array | null): Hex | undefined => (b ? bytesToHex(b) : undefined)
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v)

function fromRow(r: Row): OutboxBatch {
  return {
    index: r.idx,
    status: r.status,
    firstBlock: BigInt(r.first_block),
    lastBlock: BigInt(r.last_block),
    openedAt: r.opened_at,
    sealedAt: opt(r.sealed_at),
    data: r.data ? new Uint8Array(r.data) : undefined,
    dataHash: hex(r.data_hash),
    prevOutputRoot: hex(r.prev_output_root),
    outputRoot: hex(r.output_root),
    l1TxHash: hex(r.l1_tx_hash),
    l1BlockNumber: r.l1_block_number === null ? undefined : BigInt(r.l1_block_number),
    l1BlockHash: hex(r.l1_block_hash),
    postedAt: opt(r.posted_at),
    confirmedAt: opt(r.confirmed_at),
    reposts: r.reposts,
    lastError: opt(r.last_error),
    attestedAt: opt(r.attested_at),
  }
}

/** The sealed-batch fields written at once when a batch stops taking blocks. */
export type SealedBatchFields = {
  lastBlock: bigint
  data: Uint8Array
  dataHash: Hex
  prevOutputRoot: Hex
  outputRoot: Hex
  sealedAt: number
}

/** SQLite access to the batch outbox (tables `batches` and `batch_posts`). */
export type OutboxStore = {
  get(index: number): OutboxBatch | undefined
  /** The batch still taking blocks, if any. */
  open(): OutboxBatch | undefined
  /** The batch with the highest index, whatever its status. */
  last(): OutboxBatch | undefined
  /** Batches in these statuses, lowest index first. */
  byStatus(statuses: readonly BatchStatus[], limit?: number): OutboxBatch[]
  /** Posted or confirmed batches included at or after L1 block `fromL1Block`, lowest index first. */
  postedSince(fromL1Block: bigint): OutboxBatch[]
  /** Highest index whose status is one of `statuses`, or -1. */
  highestIndex(statuses: readonly BatchStatus[]): number
  counts(): Partial<Record<BatchStatus, number>>
  openBatch(b: { index: number; firstBlock: bigint; lastBlock: bigint; openedAt: number }): void
  extendOpen(index: number, lastBlock: bigint): void
  seal(index: number, fields: SealedBatchFields): void
  recordPost(post: BatchPost): void
  posts(index: number): BatchPost[]
  markSubmitted(index: number): void
  markPosted(index: number, l1: { txHash: Hex; blockNumber: bigint; blockHash: Hex; at: number }): void
  markConfirmed(index: number, at: number): void
  /** Back to `sealed` after an L1 reorg dropped the post (or a post was lost): it will be posted again. */
  resetForRepost(index: number, reason: string): void
  /** Moves batches `[from, toExclusive)` in `fromStatuses` to `status` (attested/finalized/disputed); returns how many moved. */
  advance(fromStatuses: readonly BatchStatus[], toExclusive: number, status: BatchStatus, at: number): number
  /** Highest L2 block in a batch with one of these statuses (0n if none). */
  settledBlock(statuses: readonly BatchStatus[]): bigint
  setError(index: number, message: string | undefined): void
}

/** Creates the outbox store over the node's database (the schema comes from core/storage/migrate.ts). */
export function createOutboxStore(db: Database.Database): OutboxStore {
  const get = db.prepare<[number], Row>('SELECT * FROM batches WHERE idx = ?')
  const open = db.prepare<[], Row>("SELECT * FROM batches WHERE status = 'open' ORDER BY idx DESC LIMIT 1")
  const last = db.prepare<[], Row>('SELECT * FROM batches ORDER BY idx DESC LIMIT 1')
  const postedSince = db.prepare<[number], Row>(
    "SELECT * FROM batches WHERE status IN ('posted', 'confirmed') AND l1_block_number >= ? ORDER BY idx",
  )
  const counts = db.prepare<[], { status: BatchStatus; n: number }>(
    'SELECT status, COUNT(*) AS n FROM batches GROUP BY status',
  )
  const insertOpen = db.prepare(
    "INSERT INTO batches (idx, status, first_block, last_block, opened_at) VALUES (?, 'open', ?, ?, ?)",
  )
  const extend = db.prepare("UPDATE batches SET last_block = ? WHERE idx = ? AND status = 'open'")
  const seal = db.prepare(
    `UPDATE batches SET status = 'sealed', last_block = ?, data = ?, data_hash = ?, prev_output_root = ?, output_root = ?,
       sealed_at = ? WHERE idx = ? AND status = 'open'`,
  )
  const insertPost = db.prepare(
    'INSERT OR IGNORE INTO batch_posts (tx_hash, batch_idx, nonce, max_fee, max_priority_fee, raw, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const posts = db.prepare<
    [number],
    {
      tx_hash: Uint8Array
      batch_idx: number
      nonce: number
      max_fee: string
      max_priority_fee: string
      raw: Uint8Array
      sent_at: number
    }
  >('SELECT * FROM batch_posts WHERE batch_idx = ? ORDER BY sent_at, rowid')
  const submitted = db.prepare("UPDATE batches SET status = 'submitted' WHERE idx = ? AND status = 'sealed'")
  const posted = db.prepare(
    `UPDATE batches SET status = 'posted', l1_tx_hash = ?, l1_block_number = ?, l1_block_hash = ?, posted_at = ?,
       last_error = NULL WHERE idx = ?`,
  )
  const confirmed = db.prepare(
    "UPDATE batches SET status = 'confirmed', confirmed_at = ? WHERE idx = ? AND status = 'posted'",
  )
  const reset = db.prepare(
    `UPDATE batches SET status = 'sealed', l1_tx_hash = NULL, l1_block_number = NULL, l1_block_hash = NULL,
       posted_at = NULL, confirmed_at = NULL, reposts = reposts + 1, last_error = ? WHERE idx = ?`,
  )
  const setError = db.prepare('UPDATE batches SET last_error = ? WHERE idx = ?')
  const mustChange = (info: Database.RunResult, what: string, index: number) => {
    if (info.changes !== 1) throw new Error(`outbox: ${what} of batch ${index} changed ${info.changes} rows`)
  }
  return {
    get: (index) => {
      const r = get.get(index)
      return r ? fromRow(r) : undefined
    },
    open: () => {
      const r = open.get()
      return r ? fromRow(r) : undefined
    },
    last: () => {
      const r = last.get()
      return r ? fromRow(r) : undefined
    },
    byStatus(statuses, limit = 1_000_000) {
      const marks = statuses.map(() => '?').join(', ')
      return (
        db
          .prepare(`SELECT * FROM batches WHERE status IN (${marks}) ORDER BY idx LIMIT ?`)
          .all(...statuses, limit) as Row[]
      ).map(fromRow)
    },
    postedSince: (from) => postedSince.all(Number(from)).map(fromRow),
    highestIndex(statuses) {
      const marks = statuses.map(() => '?').join(', ')
      const r = db.prepare(`SELECT MAX(idx) AS m FROM batches WHERE status IN (${marks})`).get(...statuses) as {
        m: number | null
      }
      return r.m ?? -1
    },
    counts: () => Object.fromEntries(counts.all().map((r) => [r.status, r.n])),
    openBatch: (b) => void insertOpen.run(b.index, Number(b.firstBlock), Number(b.lastBlock), b.openedAt),
    extendOpen: (index, lastBlock) => mustChange(extend.run(Number(lastBlock), index), 'extend', index),
    seal: (index, f) =>
      mustChange(
        seal.run(
          Number(f.lastBlock),
          f.data,
          hexToBytes(f.dataHash),
          hexToBytes(f.prevOutputRoot),
          hexToBytes(f.outputRoot),
          f.sealedAt,
          index,
        ),
        'seal',
        index,
      ),
    recordPost: (p) =>
      void insertPost.run(
        hexToBytes(p.txHash),
        p.batchIndex,
        p.nonce,
        p.maxFeePerGas.toString(),
        p.maxPriorityFeePerGas.toString(),
        hexToBytes(p.raw),
        p.sentAt,
      ),
    posts: (index) =>
      posts.all(index).map((r) => ({
        txHash: bytesToHex(r.tx_hash),
        batchIndex: r.batch_idx,
        nonce: r.nonce,
        maxFeePerGas: BigInt(r.max_fee),
        maxPriorityFeePerGas: BigInt(r.max_priority_fee),
        raw: bytesToHex(r.raw),
        sentAt: r.sent_at,
      })),
    markSubmitted: (index) => void submitted.run(index),
    markPosted: (index, l1) =>
      mustChange(
        posted.run(hexToBytes(l1.txHash), Number(l1.blockNumber), hexToBytes(l1.blockHash), l1.at, index),
        'markPosted',
        index,
      ),
    markConfirmed: (index, at) => void confirmed.run(at, index),
    resetForRepost: (index, reason) => mustChange(reset.run(reason, index), 'reset', index),
    setError: (index, message) => void setError.run(message ?? null, index),
    advance(fromStatuses, toExclusive, status, at) {
      const marks = fromStatuses.map(() => '?').join(', ')
      const stamp = status === 'attested' ? ', attested_at = ?' : ''
      return db
        .prepare(`UPDATE batches SET status = ?${stamp} WHERE idx < ? AND status IN (${marks})`)
        .run(status, ...(stamp ? [at] : []), toExclusive, ...fromStatuses).changes
    },
    settledBlock(statuses) {
      const marks = statuses.map(() => '?').join(', ')
      const r = db.prepare(`SELECT MAX(last_block) AS m FROM batches WHERE status IN (${marks})`).get(...statuses) as {
        m: number | null
      }
      return BigInt(r.m ?? 0)
    },
  }
}
