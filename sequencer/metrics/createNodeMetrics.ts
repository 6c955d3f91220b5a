import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { BatchStatus, OutboxStore } from '../../core/storage/outboxStore.ts'
import type { Mempool } from '../mempool/mempool.ts'
import type { BlockRecord, BlockRecorder } from './createBlockRecorder.ts'
import { proverLag } from './proverLag.ts'

/** Every batch status, so that a status with no batch reads 0 rather than vanishing from the scrape. */
const batchStatuses: readonly BatchStatus[] = [
  'open',
  'sealed',
  'submitted',
  'posted',
  'confirmed',
  'attested',
  'finalized',
  'disputed',
]

/** Seconds; from a sub-millisecond empty block to a multi-second 5,000-tx one. */
const buildBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const rpcBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** The node's Prometheus metrics, in a registry of its own (several nodes may share a process in tests). */
export type NodeMetrics = {
  registry: Registry
  /** RPC time per method, filled by {@link observeRpcMethods}. */
  rpcDuration: Histogram<'method'>
  /** RPC errors per method and JSON-RPC code, filled by {@link observeRpcMethods}. */
  rpcErrors: Counter<'method' | 'code'>
  /** Sealed → mined on L1, per batch, filled by {@link observePoster}. */
  batchPostLatency: Histogram
  /** Fee bumps the mined post of a batch needed, filled by {@link observePoster}. */
  batchFeeBumps: Counter
  /** Batches an L1 reorg sent back to be posted again, filled by {@link observePoster}. */
  batchReorgs: Counter
  /** Stops listening to the recorder. */
  close(): void
}

/** Dependencies of {@link createNodeMetrics}. */
export type CreateNodeMetricsParameters = {
  recorder: Pick<BlockRecorder, 'events'>
  mempool: Pick<Mempool, 'content'>
  /** the batch outbox (its tables exist with or without an L1) */
  outbox: Pick<OutboxStore, 'counts' | 'highestIndex'>
  /** head block number, read on scrape */
  head: () => bigint
}

/**
 * Creates the registry with the node's metrics. Block metrics follow the recorder's records; the mempool,
 * the batch backlog and the prover lag are read when scraped (nothing runs between scrapes). Node's default
 * process metrics (event loop lag, heap, GC, CPU) are collected too.
 */
export function createNodeMetrics({ recorder, mempool, outbox, head }: CreateNodeMetricsParameters): NodeMetrics {
  const registry = new Registry()
  const registers = [registry]
  collectDefaultMetrics({ register: registry })

  const blocks = new Counter({ name: 'rollup_blocks_total', help: 'L2 blocks sealed by this process', registers })
  const txs = new Counter({
    name: 'rollup_transactions_total',
    help: 'Transactions included in sealed blocks (rate() = tx/s)',
    registers,
  })
  const gas = new Counter({ name: 'rollup_gas_used_total', help: 'Gas used by sealed blocks', registers })
  new Gauge({
    name: 'rollup_head_block',
    help: 'Number of the head L2 block',
    registers,
    collect() {
      this.set(Number(head()))
    },
  })
  const build = new Histogram({
    name: 'rollup_block_build_seconds',
    help: 'Block build time by phase: execute (txs), state_root, tx_roots (tx and receipt tries), seal (header, SQLite commit), total',
    labelNames: ['phase'],
    buckets: buildBuckets,
    registers,
  })
  const phases = {
    execute: build.labels('execute'),
    stateRoot: build.labels('state_root'),
    txRoots: build.labels('tx_roots'),
    seal: build.labels('seal'),
    total: build.labels('total'),
  }
  const executorBlocks = new Counter({
    name: 'rollup_executor_blocks_total',
    help: 'Blocks by executor mode: parallel, or sequential (small blocks, plain transfers, fallbacks, EXECUTOR_WORKERS=0)',
    labelNames: ['mode'],
    registers,
  })
  const lanes = new Histogram({
    name: 'rollup_executor_lanes',
    help: 'Lanes per parallel block (txs of one sender or of a recently conflicting contract share a lane)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers,
  })
  const largestLane = new Histogram({
    name: 'rollup_executor_largest_lane',
    help: 'Txs in the largest lane of each parallel block (the critical path)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096],
    registers,
  })
  const hits = new Counter({
    name: 'rollup_executor_speculative_hits_total',
    help: 'Txs whose speculative (parallel) result was kept at merge',
    registers,
  })
  const reExecutions = new Counter({
    name: 'rollup_executor_reexecutions_total',
    help: 'Txs re-executed at merge because an earlier tx of another lane wrote what they read',
    registers,
  })
  new Gauge({
    name: 'rollup_mempool_transactions',
    help: 'Transactions in the pool: pending (executable now) and queued (waiting for a nonce gap to fill)',
    labelNames: ['pool'],
    registers,
    collect() {
      const { pending, queued } = mempool.content()
      this.set({ pool: 'pending' }, pending.length)
      this.set({ pool: 'queued' }, queued.length)
    },
  })
  new Gauge({
    name: 'rollup_batches',
    help: 'Batches in the outbox by status (the backlog: open, sealed, submitted; then posted, confirmed, attested, finalized, disputed)',
    labelNames: ['status'],
    registers,
    collect() {
      const counts = outbox.counts()
      for (const status of batchStatuses) this.set({ status }, counts[status] ?? 0)
    },
  })
  new Gauge({
    name: 'rollup_prover_lag_batches',
    help: 'Highest batch posted to L1 minus highest batch attested by the prover',
    registers,
    collect() {
      this.set(proverLag(outbox))
    },
  })
  const rpcDuration = new Histogram({
    name: 'rollup_rpc_request_duration_seconds',
    help: 'JSON-RPC handler time by method',
    labelNames: ['method'],
    buckets: rpcBuckets,
    registers,
  })
  const rpcErrors = new Counter({
    name: 'rollup_rpc_errors_total',
    help: 'JSON-RPC calls answered with an error, by method and error code',
    labelNames: ['method', 'code'],
    registers,
  })
  const batchPostLatency = new Histogram({
    name: 'rollup_batch_post_latency_seconds',
    help: 'From a batch being sealed to its post being mined on L1',
    buckets: [0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300, 600],
    registers,
  })
  const batchFeeBumps = new Counter({
    name: 'rollup_batch_fee_bumps_total',
    help: 'Replacements with raised fees that batch posts needed before one was mined',
    registers,
  })
  const batchReorgs = new Counter({
    name: 'rollup_batch_reorgs_total',
    help: 'Posted batches an L1 reorg dropped (posted again)',
    registers,
  })

  const onBlock = (b: BlockRecord) => {
    blocks.inc()
    txs.inc(b.txHashes.length)
    gas.inc(Number(b.gasUsed))
    if (b.timings) {
      const t = b.timings
      phases.execute.observe(t.executeMs / 1000)
      phases.stateRoot.observe(t.stateRootMs / 1000)
      phases.txRoots.observe(t.rootsMs / 1000)
      phases.seal.observe(Math.max(0, t.buildMs - t.executeMs - t.stateRootMs - t.rootsMs) / 1000)
      phases.total.observe(t.buildMs / 1000)
    }
    const s = b.stats
    executorBlocks.inc({ mode: s?.mode ?? 'sequential' })
    if (s?.mode === 'parallel') {
      lanes.observe(s.lanes)
      largestLane.observe(s.largestLane)
      hits.inc(s.speculativeHits)
      reExecutions.inc(s.reExecutions)
    }
  }
  recorder.events.on('block', onBlock)

  return {
    registry,
    rpcDuration,
    rpcErrors,
    batchPostLatency,
    batchFeeBumps,
    batchReorgs,
    close: () => recorder.events.off('block', onBlock),
  }
}
