import type { Common } from '@ethereumjs/common'
import type { TypedTransaction } from '@ethereumjs/tx'
import { bytesToHex } from '@ethereumjs/util'
import { runTx } from '@ethereumjs/vm'
import type { Hex } from 'viem'
import { BaseError } from '../core/errors/base.ts'
import type { Logger } from '../core/log/logger.ts'
import { createExecutionVm } from './createExecutionVm.ts'
import { payCoinbase, tryFastTransfer } from './fastTransfer.ts'
import { createHotContracts, type StaleRead } from './parallel/hotContracts.ts'
import { assignLanes, buildLanes, createLaneStream } from './parallel/lanes.ts'
import type { TxOutcome } from './parallel/messages.ts'
import { createWorkerPool, type WorkerPool } from './parallel/workerPool.ts'
import { blockRootItems, blockRoots, buildReceipt, effectOf, type TxEffect, transferEffect } from './receipt.ts'
import {
  BlockGasPoolError,
  createSequentialExecutor,
  type ExecuteBlockParameters,
  InvalidBlockTransactionError,
  type SequentialExecutorDeps,
  toEjsBlock,
} from './sequential.ts'
import { createDiffView, pruneNoopWrites } from './state/diffView.ts'
import { createStateDiff, type StateDiff } from './state/types.ts'
import { applyDeposits, applySystemCalls } from './systemCalls.ts'
import { hashOf, hasSender, primeSender, rawOf, senderOf, withCachedSender } from './txCache.ts'
import type { ExecuteBlockResult, ExecutedReceipt, RejectedTx } from './types.ts'

/** What one block's parallel execution did, for logs, the RPC and the dashboard. */
export type BlockExecutionStats = {
  mode: 'parallel' | 'sequential'
  reason?: string
  txs: number
  lanes: number
  largestLane: number
  speculativeHits: number
  reExecutions: number
  /** Until the last worker finished (the merge runs meanwhile, behind the workers). */
  predictMs: number
  /** Of predictMs: system calls, lanes and packing txs for the workers. */
  prepareMs?: number
  /** Of prepareMs: sender recovery on the workers. */
  recoverMs?: number
  /** Of predictMs: the slowest worker's own time (the rest is messaging). */
  workerMs?: number
  /** The merge's tail after the last worker finished. */
  mergeMs: number
  rootMs: number
  totalMs: number
  /** Parallel mode: the lane of each included tx, in block order (lanes run side by side, a lane's txs in order). */
  txLanes?: number[]
  /** Parallel mode: block positions of the included txs that were re-executed at merge. */
  reExecutedTxs?: number[]
}

/** Dependencies of {@link createParallelExecutor}. */
export type ParallelExecutorDeps = {
  common: Common
  blockHash(n: bigint): Uint8Array | undefined
  workers: number
  log?: Logger
  /** Blocks with fewer txs run sequentially: below this, thread hand-offs cost more than they save. */
  minParallelTxs?: number
}

/** The parallel executor: same interface and, by construction and by test, same results as the sequential one. */
export type ParallelExecutor = {
  readonly common: Common
  /**
   * Seeds the worker replicas with `state` now (otherwise the first parallel block does it, and waits ~1 s
   * for the workers to start). A block executed meanwhile waits for the seeding, then re-seeds if the
   * state moved on.
   */
  prepare(state: ExecuteBlockParameters['state']): Promise<void>
  executeBlock(params: ExecuteBlockParameters): Promise<ExecuteBlockResult & { stats: BlockExecutionStats }>
  close(): Promise<void>
}

/**
 * Creates the parallel executor.
 *
 * 1. Predict: lanes (same sender, or a recently conflicting contract) are spread over the workers by
 *    gas; each worker runs its lanes from the block's pre-state, recording every tx's reads and writes.
 * 2. Merge, in block order on this thread: a tx whose reads no earlier tx of another lane wrote keeps
 *    its speculative result; otherwise it is re-executed here on the merged state (never accepted
 *    blindly), and the rest of its lane follows it. Fees to the coinbase merge as deltas unless the
 *    EVM itself touched the coinbase.
 * 3. The block's diff goes to the head state (state root) and to every worker's replica.
 */
export async function createParallelExecutor({
  common,
  blockHash,
  workers,
  log,
  minParallelTxs = 16,
}: ParallelExecutorDeps): Promise<ParallelExecutor> {
  // Plain transfers always take the fast path here (workers too); the differential tests compare
  // against the sequential executor with the fast path off, i.e. against runTx itself.
  let pool: WorkerPool = createWorkerPool({ size: Math.max(1, workers) })
  /**
   * The tx and receipt roots on a worker, while this thread computes the state root: the workers have finished
   * the block's txs by then and sit idle (~60-100 ms of a 10k-tx block's tries, bench). A small block keeps them
   * here (a message costs more), and so does a broken pool; a failure on the worker computes them here.
   */
  const rootsElsewhere: NonNullable<SequentialExecutorDeps['rootsElsewhere']> = (included, receipts, deposits) => {
    if (included.length < ROOTS_ON_WORKER_MIN || pool.broken) return undefined
    return pool.orderedRoots(0, blockRootItems(included, receipts, deposits)).then(
      ([transactionsRoot, receiptsRoot]) => ({
        transactionsRoot: bytesToHex(transactionsRoot) as Hex,
        receiptsRoot: bytesToHex(receiptsRoot) as Hex,
      }),
      (err) => {
        log?.warn({ err }, 'tx and receipt roots on a worker failed; computing them here')
        return blockRoots(included, receipts, deposits)
      },
    )
  }
  const sequential = await createSequentialExecutor({ common, blockHash, fastTransfers: true, rootsElsewhere })
  const { vm, overlay } = await createExecutionVm({ common, blockHash })
  const hot = createHotContracts()
  let blockRuns = 0 // tags each block's messages to the workers (their lane views live for one block)

  // A seeding in flight (prepare() at start, in the background): a block waits for it, then checks the version.
  let seeding: Promise<void> | undefined
  async function syncWorkers(state: ExecuteBlockParameters['state'], version: string) {
    while (seeding) await seeding.catch(() => {})
    if (pool.version === version) return
    const p = pool.init({
      chainId: Number(common.chainId()),
      hardfork: common.hardfork(),
      snapshot: state.snapshot(),
      version,
    })
    seeding = p
    try {
      await p
    } finally {
      if (seeding === p) seeding = undefined
    }
  }

  async function runSequential(params: ExecuteBlockParameters, reason: string, t0: number) {
    const before = bytesToHex(params.state.stateRoot())
    const r = await sequential.executeBlock(params)
    // Keep the replicas in step only if they were at this block's parent; else re-seed them later.
    if (pool.version === before && !pool.broken) pool.applyDiff(r.diff, r.stateRoot)
    else pool.version = undefined
    const stats: BlockExecutionStats = {
      mode: 'sequential',
      reason,
      txs: params.txs.length,
      lanes: 1,
      largestLane: params.txs.length,
      speculativeHits: 0,
      reExecutions: 0,
      predictMs: 0,
      mergeMs: 0,
      rootMs: 0,
      totalMs: performance.now() - t0,
    }
    return { ...r, stats }
  }

  /**
   * Recovers unknown senders on the workers, in chunks dealt round robin so that the first ones come
   * back early. Returns, per block index, when its sender is known (undefined: known already), and a
   * promise for all of them. Never rejects: a chunk a worker could not do is left to the main thread,
   * which recovers (or refuses) those senders itself as runTx would.
   */
  function recoverSenders(txs: readonly TypedTransaction[]) {
    const todo: number[] = []
    for (let i = 0; i < txs.length; i++) if (!hasSender(txs[i])) todo.push(i)
    if (todo.length < 64)
      return { active: false, readyAt: () => undefined, all: Promise.resolve(), finishedAt: () => 0 }
    let finishedAt = 0
    const chunk = Math.min(1024, Math.max(64, Math.ceil(todo.length / (pool.size * 8))))
    const count = Math.ceil(todo.length / chunk)
    const chunkOf = new Int32Array(txs.length).fill(-1)
    const done: boolean[] = new Array(count).fill(false)
    // Each chunk's promise exists from the start; its request is posted when the chunk's turn comes: at
    // most two outstanding per worker, so that work sent to a worker for the txs already recovered is not
    // queued behind every recovery of the block.
    const settle: (() => void)[] = []
    const chunks: Promise<void>[] = Array.from({ length: count }, (_, c) => new Promise<void>((r) => (settle[c] = r)))
    let posted = 0
    const post = (worker: number) => {
      const c = posted++
      if (c >= count) return
      const part = todo.slice(c * chunk, (c + 1) * chunk)
      const raws = part.map((i) => rawOf(txs[i]))
      const buf = new Uint8Array(raws.reduce((s, r) => s + r.length, 0))
      const entries: [number, number][] = []
      let o = 0
      for (const r of raws) {
        buf.set(r, o)
        entries.push([o, r.length])
        o += r.length
      }
      pool
        .recover(worker, { raw: buf, txs: entries })
        .then((res) => {
          const failed = new Set(res.failed)
          part.forEach((txIndex, k) => {
            if (failed.has(k)) return
            primeSender(
              txs[txIndex],
              bytesToHex(res.addresses.subarray(k * 20, k * 20 + 20)) as Hex,
              res.publicKeys.slice(k * 64, k * 64 + 64),
            )
          })
        })
        .catch((err) => log?.warn({ err }, 'sender recovery on a worker failed; recovering on the main thread'))
        .finally(() => {
          done[c] = true
          finishedAt = performance.now()
          settle[c]()
          post(worker)
        })
    }
    todo.forEach((i, k) => {
      chunkOf[i] = Math.floor(k / chunk)
    })
    for (let k = 0; k < 2 * pool.size; k++) post(k % pool.size)
    return {
      /** Whether any sender is being recovered (else every readyAt is undefined). */
      active: true,
      readyAt: (i: number) => {
        const c = chunkOf[i]
        return c < 0 || done[c] ? undefined : chunks[c]
      },
      all: Promise.all(chunks).then(() => {}),
      /** When the last chunk came back (0 before that, or when there was nothing to recover). */
      finishedAt: () => finishedAt,
    }
  }

  async function executeBlock(blockParams: ExecuteBlockParameters) {
    const t0 = performance.now()
    // the caller's pipelining hook, called once, by whichever path gets there first
    let hook = blockParams.onDispatched
    const dispatched = () => {
      const h = hook
      hook = undefined
      h?.()
    }
    const params = { ...blockParams, onDispatched: dispatched }
    const { state, env, txs, mode } = params
    const version = bytesToHex(state.stateRoot())
    if (txs.length < minParallelTxs) return runSequential(params, 'small block', t0)
    // Waiting for the workers to (re)start or be seeded: let the caller's pipelined work go first.
    if (pool.broken || seeding || pool.version !== version) dispatched()
    if (pool.broken) {
      log?.warn({ reason: pool.broken }, 'restarting executor workers')
      void pool.close().catch(() => {})
      pool = createWorkerPool({ size: Math.max(1, workers) })
    }
    try {
      await syncWorkers(state, version)
    } catch (err) {
      log?.error({ err }, 'executor workers unavailable; running sequentially')
      pool.version = undefined
      return runSequential(params, 'workers unavailable', t0)
    }
    const tRecover = performance.now()
    const recovery = recoverSenders(txs)
    // Plain transfers execute in microseconds each on the fast path: shipping them to workers and
    // merging back costs more than it saves. They run here, in order, each as soon as the worker that
    // recovers its sender has answered (recovery of the next chunks overlaps execution).
    if (txs.every(isPlainTransferShape)) {
      const r = await runSequential({ ...params, senderReady: recovery.readyAt }, 'plain transfers', t0)
      await recovery.all
      r.stats.recoverMs = Math.max(0, recovery.finishedAt() - tRecover)
      return r
    }
    // System writes (EIP-2935/4788) come first and are part of every lane's pre-state.
    overlay.reset(state)
    overlay.reads = undefined
    overlay.coinbase = undefined
    await applySystemCalls(vm, overlay, env)
    applyDeposits(overlay, env)
    const systemDiff = overlay.takeDiff()

    const tos = txs.map((t) => (t.to ? (t.to.toString() as Hex) : null))
    const hotKeyOf = hot.forBlock(
      env.number,
      txs.map((t, i) => ({ to: tos[i], data: t.data })),
    )
    const hashes: [bigint, Uint8Array][] = []
    for (let n = env.number - 1n; n >= 0n && n >= env.number - 256n; n--) {
      const h = blockHash(n)
      if (h) hashes.push([n, h])
    }

    // Outcomes arrive while the workers run (each sends its txs in block order); the merge below follows
    // them in block order and waits only when the next tx's outcome has not come yet.
    const outcomes: TxOutcome[] = new Array(txs.length)
    const workerTime = new Array<number>(pool.size).fill(0)
    let wake: (() => void) | undefined
    const arrived = (chunk: TxOutcome[]) => {
      for (const out of chunk) outcomes[out.index] = out
      wake?.()
      wake = undefined
    }
    let workersFailed: unknown
    let workersDone = false
    let tWorkersDone = 0
    let tPredict = 0

    // Txs go to the workers in block order, each tagged with its lane; a worker runs a lane's txs in order on
    // that lane's view. `send` posts one message per worker with the txs given for it.
    const run = ++blockRuns
    const senders: Hex[] = new Array(txs.length)
    let laneOf: Int32Array
    let laneSizes: readonly number[]
    const runs: Promise<void>[] = []
    const send = (perWorker: number[][]) => {
      tPredict ||= performance.now()
      perWorker.forEach((idx, w) => {
        if (idx.length === 0) return
        const raws = idx.map((i) => rawOf(txs[i]))
        const buf = new Uint8Array(raws.reduce((n, r) => n + r.length, 0))
        const entries: [number, number, number, Hex, number][] = []
        let o = 0
        idx.forEach((i, k) => {
          buf.set(raws[k], o)
          entries.push([i, o, raws[k].length, senders[i], laneOf[i]])
          o += raws[k].length
        })
        const p = pool
          .run(w, { run, version, env, systemDiff, blockHashes: hashes, raw: buf, txs: entries }, arrived)
          .then((res) => {
            workerTime[w] += res.ms
          })
        p.catch(() => {}) // observed through workersSettled
        runs.push(p)
      })
    }
    if (recovery.active) {
      // Senders still coming back from the workers: lanes are formed as they come, and each stretch of
      // recovered txs is sent at once, so execution starts with the first chunk and overlaps recovery.
      dispatched()
      const stream = createLaneStream({ workers: pool.size, txs: txs.length })
      laneOf = stream.laneOf
      laneSizes = stream.sizes
      for (let i = 0; i < txs.length; i++) {
        const ready = recovery.readyAt(i)
        if (ready) {
          send(stream.take())
          await ready
        }
        senders[i] = senderOf(txs[i])
        stream.add(i, senders[i], hotKeyOf(i), txs[i].gasLimit)
      }
      send(stream.take())
    } else {
      // Senders known (the pool's txs): whole lanes, spread by gas, heaviest first (LPT).
      for (let i = 0; i < txs.length; i++) senders[i] = senderOf(txs[i])
      const { lanes, weights } = buildLanes({
        senders,
        hotKeys: txs.map((_, i) => hotKeyOf(i)),
        gas: txs.map((t) => t.gasLimit),
      })
      const lanesOf = new Int32Array(txs.length)
      lanes.forEach((lane, li) => {
        for (const i of lane) lanesOf[i] = li
      })
      laneOf = lanesOf
      laneSizes = lanes.map((l) => l.length)
      send(assignLanes(weights, pool.size).map((laneIds) => laneIds.flatMap((li) => lanes[li]).sort((x, y) => x - y)))
      // the lanes are on the workers: the merge below waits for their outcomes
      dispatched()
    }
    const workersSettled = Promise.all(runs).then(
      () => {
        workersDone = true
        tWorkersDone = performance.now()
        wake?.()
      },
      (err) => {
        workersFailed = err
        wake?.()
      },
    )
    /** The outcome of tx `i`, once its worker has sent it; undefined if the workers failed. */
    const outcomeOf = async (i: number): Promise<TxOutcome | undefined> => {
      while (outcomes[i] === undefined) {
        if (workersFailed !== undefined) return undefined
        if (workersDone) {
          workersFailed = new Error(`no outcome came back for tx ${i}`)
          return undefined
        }
        await new Promise<void>((resolve) => {
          wake = resolve
        })
      }
      return outcomes[i]
    }
    const workerFailure = async () => {
      log?.error({ err: workersFailed }, 'executor worker failed; running the block sequentially')
      pool.version = undefined
      await workersSettled
      return runSequential(params, 'worker failed', t0)
    }

    // Merge in block order.
    const view = createDiffView(state, createStateDiff())
    view.apply(systemDiff)
    const block = toEjsBlock(common, env)
    const coinbase = env.coinbase.toLowerCase() as Hex
    const lastWriter = new Map<string, number>()
    const accepted = new Uint8Array(txs.length)
    const poisoned = new Uint8Array(laneSizes.length)
    const included: TypedTransaction[] = []
    const rejected: RejectedTx[] = []
    const receipts: ExecutedReceipt[] = []
    const bloomBits = new Uint8Array(256)
    // Tips of accepted txs are summed and credited once: the coinbase balance is only needed exactly
    // before a re-execution (which may read it) and at the end.
    let pendingFees = 0n
    let feesPending = false
    let gasUsed = 0n
    let hits = 0
    let reExecutions = 0
    let merged = 0
    const reran = new Uint8Array(txs.length)
    const txLanes: number[] = []
    const reExecutedTxs: number[] = []

    const noteWrites = (diff: StateDiff, i: number) => {
      for (const a of diff.accounts.keys()) lastWriter.set(a, i)
      for (const [a, s] of diff.storage) {
        if (s.cleared) lastWriter.set(`c${a}`, i)
        for (const slot of s.slots.keys()) lastWriter.set(a + slot.slice(2), i)
      }
    }
    /** The earlier tx that last wrote `key`, unless it is an accepted tx of `lane` itself (the lane saw it). */
    const foreignWriter = (key: string, lane: number) => {
      const w = lastWriter.get(key)
      return w !== undefined && !(laneOf[w] === lane && accepted[w]) ? w : undefined
    }
    const readsValid = (o: TxOutcome, lane: number) => {
      for (const key of o.reads) {
        const w = foreignWriter(key, lane)
        if (w !== undefined) {
          log?.debug({ tx: o.index, key, writer: w }, 'speculative read was written by an earlier tx')
          return false
        }
        if (key.length > 42 && foreignWriter(`c${key.slice(0, 42)}`, lane) !== undefined) return false
      }
      return true
    }
    /** Every speculative read of `o` that readsValid refuses, with its writer (for the hot-contract learner). */
    const staleReads = (o: TxOutcome, lane: number): StaleRead[] => {
      const out: StaleRead[] = []
      for (const key of o.reads)
        for (const k of key.length > 42 ? [key, `c${key.slice(0, 42)}`] : [key]) {
          const w = foreignWriter(k, lane)
          if (w !== undefined) out.push({ key, writer: { to: tos[w], data: txs[w].data } })
        }
      return out
    }
    const flushFees = () => {
      if (!feesPending) return
      // The same payment a single tx makes (EIP-161 touch included), once for all summed tips.
      overlay.reset(view)
      overlay.reads = undefined
      payCoinbase(overlay, coinbase, pendingFees)
      view.apply(overlay.takeDiff())
      pendingFees = 0n
      feesPending = false
    }
    const record = (tx: TypedTransaction, i: number, effect: TxEffect) => {
      gasUsed += effect.gasUsed
      if (reran[i]) reExecutedTxs.push(included.length)
      txLanes.push(laneOf[i])
      included.push(tx)
      receipts.push(buildReceipt(tx, senders[i], effect, gasUsed, env.baseFeePerGas))
      for (let b = 0; b < 256; b++) bloomBits[b] |= effect.bloom[b]
    }
    const reject = (tx: TypedTransaction, i: number, reason: string, cause?: unknown) => {
      if (mode === 'verify')
        throw new InvalidBlockTransactionError({
          index: i,
          hash: hashOf(tx),
          cause: cause ?? new Error(reason),
        })
      rejected.push({ tx, reason, retryable: cause instanceof BaseError && cause.retryable })
    }

    for (let i = 0; i < txs.length; i++) {
      const tx = txs[i]
      const o = outcomes[i] ?? (await outcomeOf(i))
      if (o === undefined) return workerFailure()
      const lane = laneOf[i]
      if (gasUsed + tx.gasLimit > env.gasLimit) {
        const err = new BlockGasPoolError({ gasLimit: tx.gasLimit, left: env.gasLimit - gasUsed })
        poisoned[lane] = 1
        reject(tx, i, err.message, err)
        continue
      }
      const speculativeOk = !poisoned[lane] && readsValid(o, lane) && !(o.coinbaseTouched && merged > 0)
      if (speculativeOk) {
        hits++
        if (o.invalid) {
          reject(tx, i, o.invalid)
          continue
        }
        view.apply(o.writes)
        if (!o.coinbaseTouched) {
          pendingFees += o.minerValue
          feesPending = true
        }
        accepted[i] = 1
        noteWrites(o.writes, i)
        record(tx, i, o)
        merged++
        continue
      }
      // Re-execute on the merged state; the rest of the lane saw the speculative version.
      reExecutions++
      reran[i] = 1
      if (!poisoned[lane] && tos[i] && (o.reads.length > 0 || o.coinbaseTouched))
        hot.conflict(env.number, { to: tos[i]!, data: tx.data }, staleReads(o, lane))
      poisoned[lane] = 1
      flushFees()
      overlay.reset(view)
      overlay.reads = undefined
      overlay.coinbase = undefined
      const fast = tryFastTransfer(tx, senders[i], overlay, env, coinbase)
      if (fast) {
        if ('invalid' in fast) {
          overlay.takeDiff()
          reject(tx, i, fast.invalid)
          continue
        }
        payCoinbase(overlay, coinbase, fast.minerValue)
        const writes = overlay.takeDiff()
        view.apply(writes)
        noteWrites(writes, i)
        lastWriter.set(coinbase, i)
        record(tx, i, transferEffect(fast.gasUsed))
        merged++
        continue
      }
      let r: Awaited<ReturnType<typeof runTx>>
      try {
        r = await runTx(vm, { tx: withCachedSender(tx), block, blockGasUsed: gasUsed })
      } catch (err) {
        overlay.takeDiff()
        reject(tx, i, (err as Error).message, err)
        continue
      }
      const writes = overlay.takeDiff()
      pruneNoopWrites(writes, view)
      view.apply(writes)
      noteWrites(writes, i)
      lastWriter.set(coinbase, i)
      record(tx, i, effectOf(r))
      merged++
    }
    flushFees()
    await workersSettled
    if (workersFailed !== undefined) return workerFailure()
    const tRoot = performance.now()
    const diff = view.diff
    const elsewhere = rootsElsewhere(included, receipts, env.deposits)
    const stateRoot = bytesToHex(state.applyDiff(diff)) as Hex
    pool.applyDiff(diff, stateRoot)
    const tTries = performance.now()
    const { transactionsRoot, receiptsRoot } = elsewhere
      ? await elsewhere
      : blockRoots(included, receipts, env.deposits)
    const tEnd = performance.now()
    const stats: BlockExecutionStats = {
      mode: 'parallel',
      txs: txs.length,
      lanes: laneSizes.filter((n) => n > 0).length,
      largestLane: Math.max(...laneSizes),
      speculativeHits: hits,
      reExecutions,
      predictMs: tWorkersDone - t0,
      prepareMs: tPredict - t0,
      recoverMs: Math.max(0, recovery.finishedAt() - tRecover),
      workerMs: Math.max(...workerTime),
      mergeMs: tRoot - tWorkersDone,
      rootMs: tTries - tRoot,
      totalMs: tEnd - t0,
      txLanes,
      reExecutedTxs,
    }
    return {
      included,
      rejected,
      receipts,
      diff,
      stateRoot,
      transactionsRoot,
      receiptsRoot,
      logsBloom: bytesToHex(bloomBits) as Hex,
      gasUsed,
      stats,
      timings: { executeMs: tRoot - t0, stateRootMs: tTries - tRoot, rootsMs: tEnd - tTries },
    }
  }

  return {
    common,
    executeBlock,
    prepare: (state) => syncWorkers(state, bytesToHex(state.stateRoot())),
    close: () => pool.close(),
  }
}

/** Blocks with fewer included txs compute their tx and receipt roots on the main thread (no message). */
const ROOTS_ON_WORKER_MIN = 256

/** A tx the transfer fast path may take (whether it does depends on the recipient's code). */
function isPlainTransferShape(tx: TypedTransaction): boolean {
  return (
    tx.type <= 2 &&
    tx.to !== undefined &&
    tx.data.length === 0 &&
    !('accessList' in tx && (tx.accessList as unknown[]).length > 0)
  )
}
