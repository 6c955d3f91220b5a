import { EventEmitter } from 'node:events'
import { Queue, UnrecoverableError, Worker } from 'bullmq'
import {
  type Address,
  createPublicClient,
  decodeErrorResult,
  encodeFunctionData,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  parseEventLogs,
  type TransactionReceipt,
  BaseError as ViemError,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { rollupAbi } from '../../contracts/generated/Rollup.ts'
import { decodeBatch } from '../../core/batch/index.ts'
import type { Logger } from '../../core/log/logger.ts'
import { redisOptions } from '../../core/queue/redisOptions.ts'
import type { OutboxBatch, OutboxStore } from '../../core/storage/outboxStore.ts'

/** Parameters for {@link createPoster}. */
export type CreatePosterParameters = {
  outbox: OutboxStore
  log: Logger
  l1RpcUrl: string
  rollup: Address
  batcherKey: Hex
  redisUrl: string
  /** BullMQ key prefix (QUEUE_PREFIX) */
  queuePrefix: string
  /** L1 blocks on top of the including block before a batch counts as confirmed. */
  confirmations: number
  pollMs: number
  /** posted batches included within this many L1 blocks of the head are re-checked for reorgs */
  reorgWindow: number
  /** a post not mined after this long is replaced with fees raised by >= 10% */
  resubmitMs: number
  maxBumps: number
  /** run the BullMQ worker here (default true); false = only enqueue and reconcile */
  worker?: boolean
  now?: () => number
}

/** Posts sealed batches to L1 and follows them to confirmation; see {@link createPoster}. */
export type Poster = {
  start(): Promise<void>
  stop(): Promise<void>
  /** Enqueues a job for every batch waiting to be posted (idempotent). */
  pump(): Promise<void>
  /** Confirms posted batches and sends back to `sealed` any an L1 reorg dropped. */
  reconcile(): Promise<void>
  queueName: string
  events: EventEmitter<{ posted: [OutboxBatch]; confirmed: [OutboxBatch]; reorged: [OutboxBatch] }>
}

/** The BullMQ queue of a rollup's batch posts (under QUEUE_PREFIX); the admin server's queue board shows it. */
export const postQueueName = (rollup: Address) => `post-batches-${rollup.toLowerCase()}`

/** Thrown to retry a job later (BullMQ backoff) when the reason is expected and temporary. */
class RetryLater extends Error {
  override name = 'RetryLater'
}

/** How long a post waits for L1 to pass its batch's L1 origin before its job is retried. */
const ORIGIN_WAIT_MS = 120_000

const bump = (x: bigint) => (x * 110n + 99n) / 100n + 1n // >= +10%, as geth's replacement rule wants
const max = (a: bigint, b: bigint) => (a > b ? a : b)

/** Name of the rollup's custom error inside a viem error, if the call reverted with one. */
function revertName(err: unknown): string | undefined {
  if (!(err instanceof ViemError)) return undefined
  const withData = err.walk((e) => typeof (e as { data?: unknown }).data === 'string') as { data?: Hex } | null
  if (!withData?.data) return undefined
  try {
    return decodeErrorResult({ abi: rollupAbi, data: withData.data }).errorName
  } catch {
    return undefined
  }
}

const message = (err: unknown) => (err instanceof ViemError ? err.shortMessage : (err as Error)?.message) ?? String(err)

/**
 * The batch poster.
 *
 * SQLite (the outbox) is the source of truth; BullMQ carries the work. Every batch waiting in the
 * outbox gets a job with the deterministic id `batch-<index>` (adding it again is a no-op), retried
 * with capped exponential backoff; if Redis is down the outbox keeps the batches and the pump adds
 * their jobs when it is back. The queue runs one job at a time across all workers (BullMQ global
 * concurrency 1): that job owns the batcher key's nonce stream.
 *
 * A job for batch i drives the L1 contract forward to i: it posts, in order, every batch from the
 * contract's `nextBatchIndex` up to i. Each post:
 * - first looks for an earlier post of the same batch that got mined (restart mid-flight);
 * - takes the nonce the batcher's account has at `latest` (everything before is mined, and batches
 *   go one at a time), and if an earlier post of this batch is waiting at that nonce, replaces it
 *   with tip and fee cap raised by >= 10% (never below the current market);
 * - signs locally and records the raw tx in SQLite before broadcasting it, then waits up to
 *   `resubmitMs` for any of its posts to be mined, bumping up to `maxBumps` times.
 * A batch the contract already holds (same data hash) is marked posted, never sent twice.
 *
 * The reconciler, on a timer and without Redis, follows posted batches: `confirmed` after
 * `confirmations` L1 blocks; a batch whose including block left the canonical chain and which the
 * contract no longer holds goes back to `sealed` and is posted again.
 */
export function createPoster(p: CreatePosterParameters): Poster {
  const { outbox, rollup } = p
  const log = p.log.child({ component: 'poster' })
  const now = p.now ?? Date.now
  const account = privateKeyToAccount(p.batcherKey)
  const l1: PublicClient = createPublicClient({
    transport: http(p.l1RpcUrl, { retryCount: 0, timeout: 15_000 }),
    // the L1 head, fresh on every poll (viem caches eth_blockNumber for pollingInterval by default)
    cacheTime: 0,
  })
  const queueName = postQueueName(rollup)
  const events: Poster['events'] = new EventEmitter()
  let queue: Queue | undefined
  let worker: Worker | undefined
  let l1ChainId: number | undefined
  let timer: NodeJS.Timeout | undefined
  let stopped = true
  let redisDown = false
  let globalConcurrencySet = false
  let reconciling: Promise<void> | undefined

  const nextBatchIndex = async () =>
    Number(await l1.readContract({ address: rollup, abi: rollupAbi, functionName: 'nextBatchIndex' }))

  /** The BatchSubmitted log of batch `index` on the canonical L1 chain, if the contract holds it. */
  async function findOnL1(row: OutboxBatch) {
    if ((await nextBatchIndex()) <= row.index) return undefined
    const rec = await l1.readContract({
      address: rollup,
      abi: rollupAbi,
      functionName: 'getBatch',
      args: [BigInt(row.index)],
    })
    if (rec.dataHash !== row.dataHash) {
      log.error(
        { batch: row.index, onL1: rec.dataHash, ours: row.dataHash },
        'L1 holds a different batch at this index',
      )
      throw new UnrecoverableError(`L1 holds a different batch ${row.index} (data hash ${rec.dataHash})`)
    }
    const logs = await l1.getContractEvents({
      address: rollup,
      abi: rollupAbi,
      eventName: 'BatchSubmitted',
      args: { index: BigInt(row.index) },
      fromBlock: rec.l1Block,
      toBlock: rec.l1Block,
    })
    const found = logs[0]
    if (!found?.transactionHash || !found.blockHash || found.blockNumber === null) return undefined
    return { txHash: found.transactionHash, blockNumber: found.blockNumber, blockHash: found.blockHash }
  }

  function markPosted(row: OutboxBatch, l1tx: { txHash: Hex; blockNumber: bigint; blockHash: Hex }) {
    outbox.markPosted(row.index, { ...l1tx, at: now() })
    const posted = outbox.get(row.index)!
    log.info(
      { batch: row.index, l1Tx: l1tx.txHash, l1Block: l1tx.blockNumber, bytes: row.data?.length },
      'batch posted to L1',
    )
    events.emit('posted', posted)
  }

  const receiptOf = (hash: Hex): Promise<TransactionReceipt | undefined> =>
    l1.getTransactionReceipt({ hash }).catch((err) => {
      if (err instanceof ViemError && err.name === 'TransactionReceiptNotFoundError') return undefined
      throw err
    })

  /** The highest L1 origin among a batch's L2 blocks, from its posted bytes (decoded once per batch). */
  const originOf = new Map<number, bigint>()
  function maxL1Origin(row: OutboxBatch): bigint {
    let origin = originOf.get(row.index)
    if (origin === undefined) {
      origin = 0n
      for (const b of decodeBatch(row.data!).blocks) if (b.l1Origin > origin) origin = b.l1Origin
      originOf.set(row.index, origin)
    }
    return origin
  }

  /**
   * Derivation takes an L2 block only from an L1 block after the block's L1 origin (prover-stub/deriveBatch.ts),
   * and the contract cannot check it. An L1 reorg that shortened L1 (by more than L1_CONFIRMATIONS) leaves L2
   * blocks whose origins are at or past the new L1 head: their batch must wait until L1 has passed them, or it
   * would land where derivation refuses it. Waits up to ORIGIN_WAIT_MS, then the job is retried.
   */
  async function waitForL1PastOrigin(row: OutboxBatch): Promise<void> {
    const origin = maxL1Origin(row)
    let head = await l1.getBlockNumber()
    if (head >= origin) return
    log.warn(
      { batch: row.index, l1Origin: String(origin), l1Head: String(head) },
      'L1 is behind the batch’s L1 origin; waiting',
    )
    const deadline = now() + ORIGIN_WAIT_MS
    while (head < origin) {
      if (stopped) throw new RetryLater('poster stopping')
      if (now() > deadline)
        throw new RetryLater(`L1 head ${head} still before batch ${row.index}'s L1 origin ${origin}`)
      await new Promise((r) => setTimeout(r, Math.min(p.pollMs, 500)))
      head = await l1.getBlockNumber()
    }
  }

  /** Posts one batch (the one the contract expects next) and returns once it is mined. */
  async function postOne(row: OutboxBatch): Promise<void> {
    if (!row.data || !row.dataHash || !row.prevOutputRoot || !row.outputRoot)
      throw new Error(`batch ${row.index} not sealed`)
    l1ChainId ??= await l1.getChainId()
    const data = encodeFunctionData({
      abi: rollupAbi,
      functionName: 'submitBatch',
      args: [
        BigInt(row.index),
        row.prevOutputRoot,
        row.outputRoot,
        row.lastBlock,
        row.dataHash,
        `0x${Buffer.from(row.data).toString('hex')}`,
      ],
    })
    let bumps = 0
    let underpriced = 1n
    for (;;) {
      const posts = outbox.posts(row.index)
      for (const post of posts) {
        const r = await receiptOf(post.txHash)
        if (r?.status === 'success') {
          if (parseEventLogs({ abi: rollupAbi, logs: r.logs, eventName: 'BatchSubmitted' }).length === 0) continue
          return markPosted(row, { txHash: post.txHash, blockNumber: r.blockNumber, blockHash: r.blockHash })
        }
        if (r?.status === 'reverted') log.warn({ batch: row.index, l1Tx: post.txHash }, 'an earlier post reverted')
      }
      await waitForL1PastOrigin(row)
      const nonce = await l1.getTransactionCount({ address: account.address, blockTag: 'latest' })
      const waiting = posts.filter((x) => x.nonce === nonce).at(-1)
      const market = await l1.estimateFeesPerGas()
      let tip = market.maxPriorityFeePerGas * underpriced
      let cap = max(market.maxFeePerGas * underpriced, tip)
      if (waiting) {
        tip = max(tip, bump(waiting.maxPriorityFeePerGas))
        cap = max(cap, bump(waiting.maxFeePerGas))
      }
      let gas: bigint
      try {
        // At `latest`: Anvil estimates against its pending block, where our own waiting post already holds this index.
        gas = await l1.estimateGas({ account: account.address, to: rollup, data, blockTag: 'latest' })
      } catch (err) {
        const reason = revertName(err)
        if (reason === 'WrongBatchIndex') throw new RetryLater(`L1 moved on while posting batch ${row.index}`)
        if (reason === 'WrongPreviousOutputRoot' || reason === 'L2BlockNotAfterPrevious' || reason === 'NotBatcher') {
          log.error({ batch: row.index, reason }, 'the rollup contract refuses this batch')
          throw new UnrecoverableError(`rollup contract refuses batch ${row.index}: ${reason}`)
        }
        throw err
      }
      gas = (gas * 12n) / 10n
      const raw = await account.signTransaction({
        chainId: l1ChainId,
        type: 'eip1559',
        to: rollup,
        data,
        nonce,
        gas,
        maxFeePerGas: cap,
        maxPriorityFeePerGas: tip,
      })
      const txHash = keccak256(raw)
      // Recorded before it leaves: a crash after broadcasting still knows what to look for.
      outbox.recordPost({
        txHash,
        batchIndex: row.index,
        nonce,
        maxFeePerGas: cap,
        maxPriorityFeePerGas: tip,
        raw,
        sentAt: now(),
      })
      outbox.markSubmitted(row.index)
      try {
        await l1.sendRawTransaction({ serializedTransaction: raw })
        log.info(
          { batch: row.index, l1Tx: txHash, nonce, tip, cap, gas, replaces: waiting?.txHash, bytes: row.data.length },
          waiting ? 'replaced batch post with higher fees' : 'sent batch post',
        )
      } catch (err) {
        const m = message(err).toLowerCase()
        if (m.includes('nonce too low') || m.includes('nonce too high')) continue
        if (m.includes('underpriced') || m.includes('fee too low')) {
          underpriced *= 2n
          continue
        }
        if (!m.includes('already known')) throw err
      }
      const deadline = now() + p.resubmitMs
      const mine = () => outbox.posts(row.index).filter((x) => x.nonce === nonce)
      while (now() < deadline) {
        if (stopped) throw new RetryLater('poster stopping')
        await new Promise((r) => setTimeout(r, Math.min(p.pollMs, 500)))
        for (const post of mine()) {
          const r = await receiptOf(post.txHash)
          if (r?.status === 'success')
            return markPosted(row, { txHash: post.txHash, blockNumber: r.blockNumber, blockHash: r.blockHash })
          if (r?.status === 'reverted') throw new RetryLater(`post ${post.txHash} of batch ${row.index} reverted`)
        }
        if ((await l1.getTransactionCount({ address: account.address, blockTag: 'latest' })) > nonce) break
      }
      if (++bumps > p.maxBumps) throw new RetryLater(`batch ${row.index} not mined after ${p.maxBumps} fee bumps`)
    }
  }

  /** Posts, in order, every batch from the contract's next index up to `target`. */
  async function driveTo(target: number): Promise<void> {
    // a batch past `submitted` (posted, confirmed, attested, ...) is on L1 as far as we know
    const waiting = (b: OutboxBatch | undefined) => b?.status === 'sealed' || b?.status === 'submitted'
    for (;;) {
      const row = outbox.get(target)
      if (!waiting(row)) return
      const next = await nextBatchIndex()
      if (next > target) {
        const found = await findOnL1(row!)
        if (found) return markPosted(row!, found)
        throw new RetryLater(`batch ${target} is on L1 but its log is not visible yet`)
      }
      const first = outbox.get(next)
      if (!first) throw new UnrecoverableError(`L1 expects batch ${next}, which this outbox does not hold`)
      if (first.status === 'open') return
      if (!waiting(first)) {
        // We think it is on L1 but the contract disagrees: a reorg the reconciler has not seen yet.
        await reconcile()
        if (!waiting(outbox.get(next))) throw new RetryLater(`batch ${next}: L1 and the outbox disagree; retrying`)
        continue
      }
      await postOne(first)
    }
  }

  async function pump(): Promise<void> {
    if (!queue) return
    const waiting = outbox.byStatus(['sealed', 'submitted'], 64)
    if (waiting.length === 0) return
    try {
      if (!globalConcurrencySet) {
        await queue.setGlobalConcurrency(1)
        globalConcurrencySet = true
      }
      for (const b of waiting)
        await queue.add(
          'post',
          { index: b.index },
          {
            jobId: `batch-${b.index}`,
            attempts: 12,
            backoff: { type: 'capped' },
            removeOnComplete: true,
            removeOnFail: true,
          },
        )
      if (redisDown) log.info({ waiting: waiting.length }, 'Redis is back; batch jobs enqueued')
      redisDown = false
    } catch (err) {
      if (!redisDown)
        log.warn({ err: message(err), waiting: waiting.length }, 'Redis unavailable; batches wait in the outbox')
      redisDown = true
    }
  }

  async function reconcileOnce(): Promise<void> {
    const head = await l1.getBlockNumber()
    const from = head > BigInt(p.reorgWindow) ? head - BigInt(p.reorgWindow) : 0n
    const rows = outbox.postedSince(from)
    for (const row of outbox.byStatus(['posted'])) if (!rows.some((r) => r.index === row.index)) rows.push(row)
    for (const row of rows) {
      if (!row.l1TxHash) continue
      const r = await receiptOf(row.l1TxHash)
      if (r && r.blockHash === row.l1BlockHash) {
        if (row.status === 'posted' && head - r.blockNumber + 1n >= BigInt(p.confirmations)) {
          outbox.markConfirmed(row.index, now())
          log.info({ batch: row.index, l1Block: r.blockNumber }, 'batch confirmed on L1')
          events.emit('confirmed', outbox.get(row.index)!)
        }
        continue
      }
      if (r?.status === 'success') {
        outbox.markPosted(row.index, {
          txHash: row.l1TxHash,
          blockNumber: r.blockNumber,
          blockHash: r.blockHash,
          at: now(),
        })
        log.warn({ batch: row.index, l1Block: r.blockNumber }, 'batch post moved to another L1 block (reorg)')
        continue
      }
      const found = await findOnL1(row).catch(() => undefined)
      if (found) {
        outbox.markPosted(row.index, { ...found, at: now() })
        continue
      }
      outbox.resetForRepost(row.index, `dropped from L1 by a reorg (was in block ${row.l1BlockNumber})`)
      log.warn(
        { batch: row.index, l1Tx: row.l1TxHash, l1Block: row.l1BlockNumber },
        'batch dropped by an L1 reorg; posting it again',
      )
      events.emit('reorged', outbox.get(row.index)!)
    }
    await followAttestations()
  }

  /** Moves batches the prover attested (or disputed) on L1 along: attested, then finalized with L1. */
  async function followAttestations(): Promise<void> {
    const read = (blockTag: 'latest' | 'finalized') =>
      l1.readContract({ address: rollup, abi: rollupAbi, functionName: 'attestedCount', blockTag }).then(Number)
    const attested = await read('latest')
    const moved = outbox.advance(['posted', 'confirmed'], attested, 'attested', now())
    if (moved) log.info({ attestedCount: attested, moved }, 'batches attested on L1')
    const finalized = await read('finalized').catch(() => 0)
    if (outbox.advance(['attested'], finalized, 'finalized', now()))
      log.info({ finalizedCount: finalized }, 'batch attestations finalized on L1')
    const next = outbox.get(attested)
    if (next && (next.status === 'posted' || next.status === 'confirmed')) {
      const rec = await l1.readContract({
        address: rollup,
        abi: rollupAbi,
        functionName: 'getBatch',
        args: [BigInt(attested)],
      })
      if (rec.disputed && outbox.advance([next.status], attested + 1, 'disputed', now()))
        log.error(
          { batch: attested, outputRoot: next.outputRoot },
          'the prover disputed a batch on L1: its output root does not match re-execution',
        )
    }
  }

  /** One reconcile at a time; L1 being down is logged by the caller and tried again next tick. */
  function reconcile(): Promise<void> {
    reconciling ??= reconcileOnce().finally(() => {
      reconciling = undefined
    })
    return reconciling
  }

  let l1Down = false
  const tick = async () => {
    try {
      await reconcile()
      if (l1Down) log.info('L1 is reachable again')
      l1Down = false
    } catch (err) {
      if (!l1Down) log.warn({ err: message(err) }, 'L1 unreachable; posting resumes when it is back')
      l1Down = true
    }
    await pump()
    if (!stopped) timer = setTimeout(tick, p.pollMs)
  }

  return {
    queueName,
    events,
    pump,
    reconcile,
    async start() {
      stopped = false
      queue = new Queue(queueName, { connection: redisOptions(p.redisUrl, 'queue'), prefix: p.queuePrefix })
      queue.on('error', () => {}) // outages are reported by pump()
      if (p.worker !== false) {
        worker = new Worker(
          queueName,
          async (job) => {
            try {
              await driveTo(job.data.index as number)
            } catch (err) {
              const m = message(err)
              outbox.setError(job.data.index, m)
              if (err instanceof RetryLater)
                log.info({ batch: job.data.index, reason: m }, 'batch post will be retried')
              else log.warn({ batch: job.data.index, err: m }, 'batch post failed; will retry')
              throw err
            }
          },
          {
            connection: redisOptions(p.redisUrl, 'worker'),
            prefix: p.queuePrefix,
            concurrency: 1,
            // A worker that dies mid-post loses its lock after 10 s; its job is then taken over.
            lockDuration: 10_000,
            stalledInterval: 5_000,
            settings: { backoffStrategy: (attemptsMade: number) => Math.min(15_000, 250 * 2 ** attemptsMade) },
          },
        )
        worker.on('error', () => {}) // connection errors: ioredis reconnects; pump() reports the outage
      }
      timer = setTimeout(tick, 0)
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await reconciling?.catch(() => {})
      // A job waiting for a receipt ends at its next check; past 5 s the lock is dropped and a
      // later worker (or restart) takes the job over: its posts are recorded, nothing is sent twice.
      const w = worker
      await Promise.race([
        w?.close(),
        new Promise((r) => setTimeout(r, 5_000).unref()).then(() => w?.close(true)),
      ]).catch(() => {})
      await queue?.close().catch(() => {})
      worker = undefined
      queue = undefined
    },
  }
}
