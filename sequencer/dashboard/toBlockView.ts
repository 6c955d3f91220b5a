import type { Hex } from 'viem'
import type { BlockRecord, BlockTimings } from '../metrics/createBlockRecorder.ts'

/** Lane pictures stop after this many txs: a 5,000-tx block would otherwise send 5,000 lane numbers a block. */
export const PICTURE_MAX_TXS = 2048
/** Tx hashes listed per block. */
export const LISTED_HASHES = 16

/** A block as the dashboard draws it (JSON: numbers that may pass 2^53 travel as decimal strings). */
export type BlockView = {
  number: string
  hash: Hex
  timestamp: number
  /** ms since the epoch when it became the head */
  at: number
  gasUsed: string
  txs: number
  /** the first {@link LISTED_HASHES} tx hashes, in block order */
  txHashes: Hex[]
  mode: 'parallel' | 'sequential'
  /** why a block ran sequentially (few txs, plain transfers, no workers...) */
  reason: string | null
  lanes: number
  largestLane: number
  speculativeHits: number
  reExecutions: number
  timings: BlockTimings | null
  /**
   * Parallel blocks: the lane of each tx in block order and the block positions of re-executed txs, up to
   * {@link PICTURE_MAX_TXS} txs. Null for a sequential block (one lane, in block order).
   */
  picture: { txLanes: number[]; reExecuted: number[]; truncated: boolean } | null
}

/** Builds the dashboard's view of one block. */
export function toBlockView(b: BlockRecord): BlockView {
  const s = b.stats
  const txLanes = s?.mode === 'parallel' ? s.txLanes : undefined
  return {
    number: b.number.toString(),
    hash: b.hash,
    timestamp: Number(b.timestamp),
    at: b.at,
    gasUsed: b.gasUsed.toString(),
    txs: b.txHashes.length,
    txHashes: b.txHashes.slice(0, LISTED_HASHES),
    mode: s?.mode ?? 'sequential',
    reason: s?.mode === 'sequential' ? (s.reason ?? null) : null,
    lanes: s?.mode === 'parallel' ? s.lanes : b.txHashes.length > 0 ? 1 : 0,
    largestLane: s?.mode === 'parallel' ? s.largestLane : b.txHashes.length,
    speculativeHits: s?.speculativeHits ?? 0,
    reExecutions: s?.reExecutions ?? 0,
    timings: b.timings ?? null,
    picture: txLanes
      ? {
          txLanes: txLanes.slice(0, PICTURE_MAX_TXS),
          reExecuted: (s?.reExecutedTxs ?? []).filter((i) => i < PICTURE_MAX_TXS),
          truncated: txLanes.length > PICTURE_MAX_TXS,
        }
      : null,
  }
}
