import type { EventEmitter } from 'node:events'
import type { Address } from 'viem'
import { rollupAbi } from '../contracts/generated/Rollup.ts'
import { BaseError } from '../core/errors/base.ts'
import type { Logger } from '../core/log/logger.ts'
import { attestBatch } from './attestBatch.ts'
import type { BatchLog } from './batchLog.ts'
import { type DerivationNode, deriveBatch } from './deriveBatch.ts'
import { disputeBatch } from './disputeBatch.ts'
import { DerivationError } from './errors.ts'
import { fetchBatch, type L1Batch } from './fetchBatch.ts'
import { findBatchLog } from './findBatchLog.ts'
import type { ProverMetrics } from './metrics.ts'
import { outputRootOfHeader } from './outputRootOfHeader.ts'
import type { ProvedBatch, ProverStore } from './proverStore.ts'
import type { RollupWriter } from './rollupWriter.ts'

/** Events of a prover, one per verdict that reached its end. */
export type ProverEvents = EventEmitter<{
  attested: [ProvedBatch]
  mismatch: [ProvedBatch]
  disputed: [ProvedBatch]
  refused: [ProvedBatch]
}>

/** What a prove job works with. `node()` and `store()` change when the node is reopened. */
export type ProverContext = {
  node(): DerivationNode
  store(): ProverStore
  /** Reloads the node from its database (after a failed derivation left memory ahead of it). */
  reopenNode(): Promise<void>
  writer: RollupWriter
  rollup: Address
  /** The deposit bridge and the L1 block the contracts were deployed in (where deposit scans start). */
  bridge: Address
  deployBlock: bigint
  /** L1 blocks on top of a batch's block before it is derived. */
  confirmations: number
  metrics: ProverMetrics
  events: ProverEvents
  log: Logger
  /** Checked between batches: a stopping prover ends its job there. */
  stopping(): boolean
}

/** Temporary: the job is retried with backoff (a batch not yet confirmed, an earlier one still pending). */
export class RetryLaterError extends BaseError {
  override name = 'RetryLaterError' as const
  constructor(reason: string) {
    super(reason, { retryable: true })
  }
}

/**
 * The work of job `prove-<target>`: brings the prover's verdicts up to batch `target`, strictly in
 * order. Each round first finishes what is pending on L1 (a dispute to send, attestations to send,
 * oldest first), then derives the next batch. Stops at once if a verdict halted the prover: it never
 * derives or attests past a batch whose claimed output root it found wrong or could not derive.
 * Idempotent: the prover's database, not the job, says what is done, so any job can run any time.
 */
export async function proveTo(ctx: ProverContext, target: number): Promise<void> {
  for (;;) {
    if (ctx.stopping()) throw new RetryLaterError('prover stopping')
    const halt = ctx.store().halt()
    if (halt) {
      if (halt.status === 'mismatch') await sendDispute(ctx, halt)
      return
    }
    const pending = ctx.store().byStatus('derived')
    if (pending.length > 0) {
      for (const row of pending) await sendAttestation(ctx, row)
      continue
    }
    const next = (ctx.store().last()?.index ?? -1) + 1
    if (next > target) return
    await deriveNext(ctx, next)
  }
}

async function deriveNext(ctx: ProverContext, index: number): Promise<void> {
  const { l1 } = ctx.writer
  const found = await findBatchLog(l1, { rollup: ctx.rollup, index })
  if (!found) throw new RetryLaterError(`batch ${index} is not on L1 (or its log is not visible) yet`)
  const head = await l1.getBlockNumber()
  if (found.log.l1Block + BigInt(ctx.confirmations) > head)
    throw new RetryLaterError(`batch ${index} has fewer than ${ctx.confirmations} L1 confirmations`)

  let batch: L1Batch
  try {
    if (ctx.node().head().number === 0n) await checkGenesis(ctx)
    batch = await fetchBatch(l1, { rollup: ctx.rollup, log: found.log })
  } catch (err) {
    if (err instanceof DerivationError) return refuse(ctx, found.log, err)
    throw err
  }
  const store = ctx.store()
  try {
    const derived = await deriveBatch(ctx.node(), {
      batch,
      deposits: { l1: ctx.writer.l1, bridge: ctx.bridge, deployBlock: ctx.deployBlock },
      onPersist: (d) =>
        store.insert({
          index: d.index,
          status: d.matches ? 'derived' : 'mismatch',
          firstBlock: d.firstBlock,
          lastBlock: d.lastBlock,
          l1Block: d.l1Block,
          dataHash: d.dataHash,
          claimedOutputRoot: d.claimedOutputRoot,
          computedOutputRoot: d.outputRoot,
          reason: d.matches ? null : 'output root mismatch',
        }),
    })
    const fields = {
      batch: index,
      blocks: `${derived.firstBlock}-${derived.lastBlock}`,
      txs: derived.txs,
      l1Block: derived.l1Block,
    }
    if (derived.matches)
      ctx.log.info({ ...fields, outputRoot: derived.outputRoot }, 'batch derived; output root matches')
    else {
      ctx.log.error(
        { ...fields, l2Block: derived.lastBlock, claimed: derived.claimedOutputRoot, computed: derived.outputRoot },
        'batch refused: output root mismatch',
      )
      ctx.events.emit('mismatch', store.get(index)!)
    }
  } catch (err) {
    // The blocks executed so far moved the node's head and state in memory only.
    await ctx.reopenNode()
    if (err instanceof DerivationError) return refuse(ctx, found.log, err)
    throw err
  }
}

/** The contract's genesis output root must be this chain's: else every batch would diverge. */
async function checkGenesis(ctx: ProverContext): Promise<void> {
  const ours = outputRootOfHeader(ctx.node().head().header)
  const onL1 = await ctx.writer.l1.readContract({
    address: ctx.rollup,
    abi: rollupAbi,
    functionName: 'genesisOutputRoot',
  })
  if (onL1.toLowerCase() !== ours)
    throw new DerivationError({
      reason: 'genesis mismatch',
      batchIndex: 0,
      l2Block: 0n,
      claimed: onL1,
      computed: ours,
      details:
        'the rollup was deployed for another L2 genesis: fix CHAIN_ID / GENESIS_* / COINBASE / BLOCK_GAS_LIMIT and empty DATA_DIR',
    })
}

function refuse(ctx: ProverContext, log: BatchLog, err: DerivationError): void {
  ctx.store().insert({
    index: log.index,
    status: 'refused',
    firstBlock: null,
    lastBlock: log.lastL2Block,
    l1Block: log.l1Block,
    dataHash: log.dataHash,
    claimedOutputRoot: log.outputRoot,
    computedOutputRoot: null,
    reason: err.details ? `${err.reason}: ${err.details}` : err.reason,
  })
  ctx.metrics.refused.inc()
  ctx.log.error(
    {
      batch: log.index,
      l2Block: err.l2Block,
      reason: err.reason,
      details: err.details,
      claimed: err.claimed,
      computed: err.computed,
    },
    'batch refused: cannot be derived',
  )
  ctx.events.emit('refused', ctx.store().get(log.index)!)
}

async function sendAttestation(ctx: ProverContext, row: ProvedBatch): Promise<void> {
  const r = await attestBatch(ctx.writer, { index: row.index, outputRoot: row.computedOutputRoot! })
  if (r.outcome === 'disputed on L1') {
    const moved = ctx.store().move(row.index, 'refused', { reason: 'disputed on L1 by another prover' })
    ctx.metrics.refused.inc()
    ctx.log.error(
      { batch: row.index, outputRoot: row.computedOutputRoot },
      'batch disputed on L1 by another prover; cannot attest',
    )
    ctx.events.emit('refused', moved)
    return
  }
  const txHash = r.outcome === 'attested' ? r.txHash : null
  const moved = ctx.store().move(row.index, 'attested', { l1TxHash: txHash })
  ctx.metrics.attested.inc()
  ctx.log.info(
    { batch: row.index, outputRoot: row.computedOutputRoot, l1Tx: txHash ?? undefined },
    r.outcome === 'attested' ? 'batch attested' : 'batch already attested on L1',
  )
  ctx.events.emit('attested', moved)
}

async function sendDispute(ctx: ProverContext, row: ProvedBatch): Promise<void> {
  const r = await disputeBatch(ctx.writer, { index: row.index, computedOutputRoot: row.computedOutputRoot! })
  if (r.outcome === 'attested on L1') {
    const moved = ctx.store().move(row.index, 'refused', { reason: 'attested on L1 by another prover; cannot dispute' })
    ctx.metrics.refused.inc()
    ctx.log.error(
      { batch: row.index, claimed: row.claimedOutputRoot, computed: row.computedOutputRoot },
      'batch with a wrong output root was attested on L1 by another prover; cannot dispute',
    )
    ctx.events.emit('refused', moved)
    return
  }
  const txHash = r.outcome === 'disputed' ? r.txHash : null
  const moved = ctx.store().move(row.index, 'disputed', { l1TxHash: txHash })
  ctx.metrics.disputed.inc()
  ctx.log.warn(
    { batch: row.index, claimed: row.claimedOutputRoot, computed: row.computedOutputRoot, l1Tx: txHash ?? undefined },
    r.outcome === 'disputed'
      ? 'batch disputed; the prover halts here'
      : 'batch already disputed on L1; the prover halts here',
  )
  ctx.events.emit('disputed', moved)
}
