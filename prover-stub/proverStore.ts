import type { Database } from 'better-sqlite3'
import type { Hex } from 'viem'
import { BaseError } from '../core/errors/base.ts'

/**
 * What the prover concluded about a batch, and how far its verdict got on L1:
 *
 *   derived  ──attest mined (or found attested)──>  attested
 *      └──────the contract can never take it (disputed by another prover)──>  refused
 *   mismatch ──dispute mined (or found disputed)──>  disputed
 *      └──────the contract can never take it (attested by another prover)──>  refused
 *   refused: the batch could not be derived (invalid data or transactions, deposits); nothing is sent
 *
 * mismatch, disputed and refused halt the prover: nothing after that batch is derived or attested.
 * A batch refused because it could not be derived (no computed root) is dropped when the prover
 * starts again, so a fixed or newer prover (deposits) tries it again.
 */
export type ProvedStatus = 'derived' | 'attested' | 'mismatch' | 'disputed' | 'refused'

const MOVES: Record<ProvedStatus, ProvedStatus[]> = {
  derived: ['attested', 'refused'],
  mismatch: ['disputed', 'refused'],
  attested: [],
  disputed: [],
  refused: [],
}

/** One batch the prover has judged. */
export type ProvedBatch = {
  index: number
  status: ProvedStatus
  firstBlock: bigint | null
  lastBlock: bigint | null
  l1Block: bigint
  dataHash: Hex
  claimedOutputRoot: Hex
  /** null when the batch could not be derived. */
  computedOutputRoot: Hex | null
  reason: string | null
  /** The attest or dispute transaction this prover had mined, if any. */
  l1TxHash: Hex | null
  updatedAt: number
}

/** An illegal move of a batch's {@link ProvedStatus}. */
export class ProvedStatusError extends BaseError {
  override name = 'ProvedStatusError' as const
  constructor({ index, from, to }: { index: number; from: ProvedStatus | undefined; to: ProvedStatus }) {
    super(`batch ${index} cannot move from ${from ?? 'nothing'} to ${to}`)
  }
}

/** The prover's record of its verdicts, in its own node database. */
export type ProverStore = {
  /** Records a new verdict ('derived', 'mismatch' or 'refused'); call it inside the batch's SQLite transaction. */
  insert(row: Omit<ProvedBatch, 'l1TxHash' | 'updatedAt'>): void
  /** Moves a batch to `to`; throws ProvedStatusError on a move the lifecycle does not allow. */
  move(index: number, to: ProvedStatus, fields?: { l1TxHash?: Hex | null; reason?: string }): ProvedBatch
  get(index: number): ProvedBatch | undefined
  /** The highest-index verdict. */
  last(): ProvedBatch | undefined
  byStatus(status: ProvedStatus): ProvedBatch[]
  /** The first verdict that halts the prover (mismatch, disputed, refused), if any. */
  halt(): ProvedBatch | undefined
  /** Drops refused verdicts on batches that could not be derived (on start: tried again). Returns how many. */
  dropRefused(): number
}

type Row = {
  idx: number
  status: ProvedStatus
  first_block: number | null
  last_block: number | null
  l1_block: number
  data_hash: string
  claimed_output_root: string
  computed_output_root: string | null
  reason: string | null
  l1_tx_hash: string | null
  updated_at: number
}

const fromRow = (r: Row): ProvedBatch => ({
  index: r.idx,
  status: r.status,
  firstBlock: r.first_block === null ? null : BigInt(r.first_block),
  lastBlock: r.last_block === null ? null : BigInt(r.last_block),
  l1Block: BigInt(r.l1_block),
  dataHash: r.data_hash as Hex,
  claimedOutputRoot: r.claimed_output_root as Hex,
  computedOutputRoot: r.computed_output_root as Hex | null,
  reason: r.reason,
  l1TxHash: r.l1_tx_hash as Hex | null,
  updatedAt: r.updated_at,
})

/** Creates the prover's table (its own, beside the node's schema) and the store over it. */
export function createProverStore(db: Database, now: () => number = Date.now): ProverStore {
  db.exec(`
    CREATE TABLE IF NOT EXISTS prover_batches (
      idx INTEGER PRIMARY KEY,
      status TEXT NOT NULL,
      first_block INTEGER,
      last_block INTEGER,
      l1_block INTEGER NOT NULL,
      data_hash TEXT NOT NULL,
      claimed_output_root TEXT NOT NULL,
      computed_output_root TEXT,
      reason TEXT,
      l1_tx_hash TEXT,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS prover_batches_by_status ON prover_batches (status, idx);
  `)
  const q = {
    insert: db.prepare(
      `INSERT INTO prover_batches (idx, status, first_block, last_block, l1_block, data_hash, claimed_output_root,
         computed_output_root, reason, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    move: db.prepare(
      'UPDATE prover_batches SET status = ?, l1_tx_hash = coalesce(?, l1_tx_hash), reason = coalesce(?, reason), updated_at = ? WHERE idx = ?',
    ),
    get: db.prepare<[number], Row>('SELECT * FROM prover_batches WHERE idx = ?'),
    last: db.prepare<[], Row>('SELECT * FROM prover_batches ORDER BY idx DESC LIMIT 1'),
    byStatus: db.prepare<[string], Row>('SELECT * FROM prover_batches WHERE status = ? ORDER BY idx'),
    halt: db.prepare<[], Row>(
      "SELECT * FROM prover_batches WHERE status IN ('mismatch', 'disputed', 'refused') ORDER BY idx LIMIT 1",
    ),
    dropRefused: db.prepare("DELETE FROM prover_batches WHERE status = 'refused' AND computed_output_root IS NULL"),
  }
  const get = (index: number) => {
    const r = q.get.get(index)
    return r ? fromRow(r) : undefined
  }
  return {
    insert(row) {
      if (row.status !== 'derived' && row.status !== 'mismatch' && row.status !== 'refused')
        throw new ProvedStatusError({ index: row.index, from: undefined, to: row.status })
      q.insert.run(
        row.index,
        row.status,
        row.firstBlock === null ? null : Number(row.firstBlock),
        row.lastBlock === null ? null : Number(row.lastBlock),
        Number(row.l1Block),
        row.dataHash,
        row.claimedOutputRoot,
        row.computedOutputRoot,
        row.reason,
        now(),
      )
    },
    move(index, to, fields = {}) {
      const from = get(index)?.status
      if (!from || !MOVES[from].includes(to)) throw new ProvedStatusError({ index, from, to })
      q.move.run(to, fields.l1TxHash ?? null, fields.reason ?? null, now(), index)
      return get(index)!
    },
    get,
    last() {
      const r = q.last.get()
      return r ? fromRow(r) : undefined
    },
    byStatus: (status) => q.byStatus.all(status).map(fromRow),
    halt() {
      const r = q.halt.get()
      return r ? fromRow(r) : undefined
    },
    dropRefused: () => q.dropRefused.run().changes,
  }
}
