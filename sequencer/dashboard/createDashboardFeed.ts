import type { Hex } from 'viem'
import type { ChainStore } from '../../core/storage/chainStore.ts'
import type { BlockExecutionStats } from '../../executor/parallel.ts'
import type { BlockRecord, BlockRecorder } from '../metrics/createBlockRecorder.ts'
import type { BatchPipelineView } from './readBatchPipeline.ts'
import type { MempoolView } from './summarizeMempool.ts'
import { type BlockView, toBlockView } from './toBlockView.ts'

/** One second of the chain: what the tx/s and block-time charts plot. */
export type Sample = {
  /** unix seconds */
  t: number
  txs: number
  blocks: number
  /** the slowest and the mean block build time in that second (ms); null without a block */
  buildMsMax: number | null
  buildMsAvg: number | null
}

/** Sent about once a second: the parts of the page that are not blocks. */
export type StatusView = {
  chainId: number
  head: string
  /** ms since the epoch */
  time: number
  sample: Sample
  mempool: MempoolView
  batches: BatchPipelineView
}

/** Everything the page needs on load. */
export type DashboardSnapshot = { blocks: BlockView[]; samples: Sample[]; status: StatusView }

/** What the feed pushes to the page (server-sent events). */
export type DashboardEvent = { type: 'block'; block: BlockView } | { type: 'status'; status: StatusView }

/** The dashboard's data; see {@link createDashboardFeed}. */
export type DashboardFeed = {
  snapshot(): DashboardSnapshot
  /** Calls `fn` with every new block and once a second with the status; returns the unsubscribe function. */
  subscribe(fn: (event: DashboardEvent) => void): () => void
  close(): void
}

/** Dependencies of {@link createDashboardFeed}. */
export type CreateDashboardFeedParameters = {
  chainId: number
  recorder: Pick<BlockRecorder, 'events'>
  chain: Pick<ChainStore, 'headNumber' | 'headerByNumber' | 'txHashesOfBlock' | 'stats'>
  mempool: () => MempoolView
  batches: () => BatchPipelineView
  /** blocks kept for the page (default 30) */
  keepBlocks?: number
  /** seconds of samples kept for the charts (default 300) */
  keepSeconds?: number
}

/**
 * Creates the feed: the last blocks (seeded from the chain on start, so a fresh page is not empty), one
 * sample per second for the charts, and the mempool and batch views, read only while a page listens.
 */
export function createDashboardFeed({
  chainId,
  recorder,
  chain,
  mempool,
  batches,
  keepBlocks = 30,
  keepSeconds = 300,
}: CreateDashboardFeedParameters): DashboardFeed {
  const blocks: BlockView[] = []
  const samples: Sample[] = []
  const listeners = new Set<(event: DashboardEvent) => void>()
  let bucket = { txs: 0, blocks: 0, buildMsSum: 0, buildMsCount: 0, buildMsMax: 0 }

  const head = chain.headNumber() ?? 0n
  for (let n = head > BigInt(keepBlocks) ? head - BigInt(keepBlocks) + 1n : 0n; n <= head; n++) {
    const header = chain.headerByNumber(n) as { hash: Hex; timestamp: Hex; gasUsed: Hex } | undefined
    if (!header) continue
    const record: BlockRecord = {
      number: n,
      hash: header.hash,
      timestamp: BigInt(header.timestamp),
      gasUsed: BigInt(header.gasUsed),
      txHashes: chain.txHashesOfBlock(n),
      at: Number(BigInt(header.timestamp)) * 1000,
      stats: chain.stats(n) as BlockExecutionStats | undefined,
    }
    blocks.push(toBlockView(record))
  }

  const onBlock = (record: BlockRecord) => {
    const view = toBlockView(record)
    blocks.push(view)
    if (blocks.length > keepBlocks) blocks.shift()
    bucket.txs += view.txs
    bucket.blocks++
    if (view.timings) {
      bucket.buildMsSum += view.timings.buildMs
      bucket.buildMsCount++
      bucket.buildMsMax = Math.max(bucket.buildMsMax, view.timings.buildMs)
    }
    emit({ type: 'block', block: view })
  }
  recorder.events.on('block', onBlock)

  const status = (sample: Sample): StatusView => ({
    chainId,
    head: (chain.headNumber() ?? 0n).toString(),
    time: Date.now(),
    sample,
    mempool: mempool(),
    batches: batches(),
  })

  const tick = () => {
    const b = bucket
    bucket = { txs: 0, blocks: 0, buildMsSum: 0, buildMsCount: 0, buildMsMax: 0 }
    const sample: Sample = {
      t: Math.floor(Date.now() / 1000),
      txs: b.txs,
      blocks: b.blocks,
      buildMsMax: b.buildMsCount ? b.buildMsMax : null,
      buildMsAvg: b.buildMsCount ? b.buildMsSum / b.buildMsCount : null,
    }
    samples.push(sample)
    if (samples.length > keepSeconds) samples.shift()
    // the pool and the outbox are read only for a page that is open
    if (listeners.size > 0) emit({ type: 'status', status: status(sample) })
  }
  const timer = setInterval(tick, 1000)
  timer.unref()

  function emit(event: DashboardEvent) {
    for (const fn of listeners) fn(event)
  }

  return {
    snapshot: () => ({
      blocks: [...blocks],
      samples: [...samples],
      status: status(
        samples.at(-1) ?? { t: Math.floor(Date.now() / 1000), txs: 0, blocks: 0, buildMsMax: null, buildMsAvg: null },
      ),
    }),
    subscribe(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    close() {
      clearInterval(timer)
      recorder.events.off('block', onBlock)
      listeners.clear()
    },
  }
}
