import type { Hex } from 'viem'
import type { Database } from '../../core/storage/openDatabase.ts'
import type { BatchStatus, OutboxStore } from '../../core/storage/outboxStore.ts'
import { proverLag } from '../metrics/proverLag.ts'

/** One recent batch as the dashboard lists it. */
export type BatchView = {
  index: number
  status: BatchStatus
  firstBlock: number
  lastBlock: number
  bytes: number | null
  l1TxHash: Hex | null
  l1BlockNumber: number | null
  /** `${L1_EXPLORER_URL}/tx/<hash>` when an explorer is configured */
  l1TxUrl: string | null
  reposts: number
}

/** The batch pipeline: how many batches are in each status, the latest ones, and how far the prover trails. */
export type BatchPipelineView = {
  counts: Partial<Record<BatchStatus, number>>
  recent: BatchView[]
  proverLag: number
}

type Row = {
  idx: number
  status: BatchStatus
  first_block: number
  last_block: number
  bytes: number | null
  l1_tx_hash: Uint8Array | null
  l1_block_number: number | null
  reposts: number
}

/**
 * Creates the reader of the pipeline view. It selects only the columns it shows: the outbox's own `get`
 * would load every batch's data (up to BATCH_MAX_BYTES each) once a second.
 */
export function createBatchPipelineReader({
  db,
  outbox,
  explorerUrl,
  recent = 8,
}: {
  db: Database
  outbox: Pick<OutboxStore, 'counts' | 'highestIndex'>
  explorerUrl?: string
  recent?: number
}): () => BatchPipelineView {
  const latest = db.prepare<[number], Row>(
    `SELECT idx, status, first_block, last_block, length(data) AS bytes, l1_tx_hash, l1_block_number, reposts
       FROM batches ORDER BY idx DESC LIMIT ?`,
  )
  const base = explorerUrl?.replace(/\/+$/, '')
  return () => ({
    counts: outbox.counts(),
    proverLag: proverLag(outbox),
    recent: latest.all(recent).map((r) => {
      const l1TxHash = r.l1_tx_hash ? (`0x${Buffer.from(r.l1_tx_hash).toString('hex')}` as Hex) : null
      return {
        index: r.idx,
        status: r.status,
        firstBlock: r.first_block,
        lastBlock: r.last_block,
        bytes: r.bytes,
        l1TxHash,
        l1BlockNumber: r.l1_block_number,
        l1TxUrl: base && l1TxHash ? `${base}/tx/${l1TxHash}` : null,
        reposts: r.reposts,
      }
    }),
  })
}
