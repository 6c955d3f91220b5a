import { EventEmitter } from 'node:events'
import { Queue, Worker } from 'bullmq'
import type { Registry } from 'prom-client'
import { type Address, type Hex, BaseError as ViemError } from 'viem'
import { rollupAbi } from '../contracts/generated/Rollup.ts'
import type { Config } from '../core/config/config.ts'
import { BaseError } from '../core/errors/base.ts'
import type { Logger } from '../core/log/logger.ts'
import { redisOptions } from '../core/queue/redisOptions.ts'
import { createNode, type Node } from '../sequencer/node/createNode.ts'
import { createProverMetrics, type ProverMetrics } from './metrics.ts'
import { createProverStore, type ProvedBatch, type ProverStore } from './proverStore.ts'
import { type ProverContext, type ProverEvents, proveTo, RetryLaterError } from './proveTo.ts'
import { readBatchLogs } from './readBatchLogs.ts'
import { createRollupWriter } from './rollupWriter.ts'

/** Parameters for {@link createProver}. */
export type CreateProverParameters = {
  /** The prover's own DATA_DIR; the chain parameters must be the sequencer's; L1_RPC_URL is required. */
  config: Config
  log: Logger
  rollup: Address
  /** The deposit bridge: derivation replays its deposits. */
  bridge: Address
  /** L1 block the rollup was deployed in: where the first log scan starts. */
  deployBlock: bigint
}

/** The payload of a `prove-<index>` job. */
export type ProveJobData = { index: number }

/** A running prover; see {@link createProver}. */
export type Prover = {
  start(): Promise<void>
  /** Stops polling, lets the job in progress end (5 s at most), closes the queue and the database. */
  stop(): Promise<void>
  /** One follower round now: scan L1, enqueue jobs (tests; the timer runs it every L1_POLL_MS). */
  tick(): Promise<void>
  /** The verdict on batch `index`, if any. */
  verdict(index: number): ProvedBatch | undefined
  /** The batch that halted the prover, if one did. */
  halted(): ProvedBatch | undefined
  queueName: string
  registry: Registry
  metrics: ProverMetrics
  events: ProverEvents
}

/** The BullMQ queue of a rollup's prove jobs (under QUEUE_PREFIX); the sequencer's queue board shows it too. */
export const proveQueueName = (rollup: Address) => `prove-batches-${rollup.toLowerCase()}`

const ENQUEUE_TIMEOUT_MS = 3_000
const sleep = (ms: number) => new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())

const message = (err: unknown) => (err instanceof ViemError ? err.shortMessage : (err as Error)?.message) ?? String(err)

/**
 * The prover stub. It keeps its own chain, derived from L1 alone with the sequential executor, in
 * its own DATA_DIR, and judges every batch the rollup holds, strictly in order:
 *
 * - the follower polls L1 every L1_POLL_MS for `BatchSubmitted` logs that have L1_CONFIRMATIONS
 *   blocks on top and enqueues a BullMQ job `prove-<index>` for every batch without a final verdict
 *   (deterministic ids: enqueueing twice is a no-op);
 * - a job (one at a time: worker concurrency 1, queue global concurrency 1) runs {@link proveTo}:
 *   derives the batches up to its index, attests each whose output root matches, and on a mismatch
 *   sends a dispute and halts for good. Failures are retried with capped backoff; a job that gives
 *   up is enqueued again by the follower.
 *
 * The database says what is done (`prover_batches`), so a restart resumes after the last verdict.
 * L1 or Redis being down is logged once and waited out: the follower retries every tick, BullMQ
 * reconnects by itself.
 */
export async function createProver(p: CreateProverParameters): Promise<Prover> {
  const { config, rollup } = p
  if (!config.L1_RPC_URL) throw new BaseError('L1_RPC_URL is not set: the prover follows an L1')
  const log = p.log.child({ component: 'prover' })
  const nodeConfig = { ...config, EXECUTOR_WORKERS: 0 }
  const openNode = () => createNode({ config: nodeConfig, log: p.log.child({ component: 'prover-node' }) })
  let node: Node = await openNode()
  let store: ProverStore = createProverStore(node.db)
  const retried = store.dropRefused()
  if (retried > 0) log.info({ batches: retried }, 'trying again batches refused as underivable before the restart')

  const writer = createRollupWriter({
    l1RpcUrl: config.L1_RPC_URL,
    rollup,
    proverKey: config.PROVER_PRIVATE_KEY as Hex,
    // An attestation lost with an L1 restart must not hold the queue for long: the job retries
    // (idempotent: an index already attested on L1 is only recorded).
    receiptTimeoutMs: Math.max(3 * config.POST_RESUBMIT_MS, 5_000),
  })
  const metrics = createProverMetrics()
  const events: ProverEvents = new EventEmitter()
  const queueName = proveQueueName(rollup)
  let stopped = true
  let queue: Queue | undefined
  let worker: Worker | undefined
  let timer: NodeJS.Timeout | undefined
  let ticking: Promise<void> | undefined
  let globalConcurrencySet = false
  let l1Down = false
  let redisDown = false
  let enqueuing: Promise<void> | undefined

  // What the follower knows: the L1 is scanned from `cursor`; batches below `confirmed` have enough confirmations.
  const last = store.last()
  let cursor = last ? last.l1Block : p.deployBlock
  let confirmed = last ? last.index + 1 : 0

  const ctx: ProverContext = {
    node: () => node,
    store: () => store,
    async reopenNode() {
      // Open the fresh one before closing the stale one, so that reads in between never meet a closed database.
      const stale = node
      node = await openNode()
      store = createProverStore(node.db)
      await stale.close()
    },
    writer,
    rollup,
    bridge: p.bridge,
    deployBlock: p.deployBlock,
    confirmations: config.L1_CONFIRMATIONS,
    metrics,
    events,
    log,
    stopping: () => stopped,
  }

  /** Indexes that want a job: what is pending on L1, then what is confirmed but not yet judged. */
  function wanted(): number[] {
    const halt = store.halt()
    if (halt) return halt.status === 'mismatch' ? [halt.index] : []
    const pending = store.byStatus('derived').map((b) => b.index)
    const next = (store.last()?.index ?? -1) + 1
    const upTo = Math.min(confirmed, next + 64)
    for (let i = next; i < upTo; i++) pending.push(i)
    return pending
  }

  async function follow(): Promise<void> {
    try {
      const head = await writer.l1.getBlockNumber()
      const safe = head - BigInt(config.L1_CONFIRMATIONS)
      if (safe >= cursor) {
        const logs = await readBatchLogs(writer.l1, { rollup, fromBlock: cursor, toBlock: safe })
        for (const l of logs) if (l.index + 1 > confirmed) confirmed = l.index + 1
        cursor = safe + 1n
      }
      if (l1Down) log.info('L1 is reachable again')
      l1Down = false
    } catch (err) {
      if (!l1Down) log.warn({ err: message(err) }, 'L1 unreachable; proving resumes when it is back')
      l1Down = true
    }
    if (!queue || enqueuing) return
    const indexes = wanted()
    if (indexes.length === 0) return
    // A queue that never reached Redis waits for it rather than failing, so the follower does not
    // wait on it past a bound: the jobs go in (once) when Redis answers, later ticks try again.
    const q = queue
    enqueuing = enqueue(q, indexes).finally(() => {
      enqueuing = undefined
    })
    const outcome = await Promise.race([
      enqueuing.then(
        () => 'done' as const,
        () => 'failed' as const,
      ),
      sleep(ENQUEUE_TIMEOUT_MS),
    ])
    if (outcome === 'done') {
      if (redisDown) log.info({ batches: indexes.length }, 'Redis is back; prove jobs enqueued')
      redisDown = false
    } else if (outcome === undefined) redisUnavailable(new Error(`no answer in ${ENQUEUE_TIMEOUT_MS} ms`))
  }

  function redisUnavailable(err: unknown) {
    if (!redisDown) log.warn({ err: message(err) }, 'Redis unavailable; prove jobs wait until it is back')
    redisDown = true
  }

  async function enqueue(q: Queue, indexes: number[]): Promise<void> {
    try {
      if (!globalConcurrencySet) {
        await q.setGlobalConcurrency(1)
        globalConcurrencySet = true
      }
      for (const index of indexes)
        await q.add('prove', { index } satisfies ProveJobData, {
          jobId: `prove-${index}`,
          attempts: 12,
          backoff: { type: 'capped' },
          removeOnComplete: true,
          removeOnFail: true,
        })
    } catch (err) {
      redisUnavailable(err)
      throw err
    }
  }

  function tick(): Promise<void> {
    ticking ??= follow().finally(() => {
      ticking = undefined
    })
    return ticking
  }

  const loop = async () => {
    await tick()
    if (!stopped) timer = setTimeout(loop, config.L1_POLL_MS)
  }

  return {
    queueName,
    registry: metrics.registry,
    metrics,
    events,
    tick,
    verdict: (index) => store.get(index),
    halted: () => store.halt(),
    async start() {
      stopped = false
      const halt = store.halt()
      if (halt) log.warn({ batch: halt.index, status: halt.status, reason: halt.reason }, 'prover halted at this batch')
      try {
        const registered = await writer.l1.readContract({
          address: rollup,
          abi: rollupAbi,
          functionName: 'isProver',
          args: [writer.account.address],
        })
        if (!registered)
          log.error(
            { prover: writer.account.address, rollup },
            'PROVER_PRIVATE_KEY is not a registered prover: attestations will revert',
          )
      } catch (err) {
        log.warn({ err: message(err) }, 'could not check the prover registration (L1 unreachable?)')
      }
      queue = new Queue(queueName, { connection: redisOptions(config.REDIS_URL, 'queue'), prefix: config.QUEUE_PREFIX })
      queue.on('error', (err) => log.debug({ err: message(err) }, 'prove queue connection error'))
      worker = new Worker<ProveJobData>(
        queueName,
        async (job) => {
          try {
            await proveTo(ctx, job.data.index)
          } catch (err) {
            const fields = { batch: job.data.index, attempt: job.attemptsMade + 1, err: message(err) }
            if (err instanceof RetryLaterError) log.info(fields, 'prove job will be retried')
            else log.warn(fields, 'prove job failed; will retry')
            throw err
          }
        },
        {
          connection: redisOptions(config.REDIS_URL, 'worker'),
          prefix: config.QUEUE_PREFIX,
          concurrency: 1,
          lockDuration: 60_000,
          stalledInterval: 30_000,
          settings: { backoffStrategy: (attemptsMade: number) => Math.min(15_000, 250 * 2 ** attemptsMade) },
        },
      )
      worker.on('error', (err) => log.debug({ err: message(err) }, 'prove worker connection error'))
      timer = setTimeout(loop, 0)
      log.info(
        { rollup, queue: queueName, prover: writer.account.address, head: node.head().number, nextBatch: confirmed },
        'prover started',
      )
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await Promise.race([ticking?.catch(() => {}), sleep(ENQUEUE_TIMEOUT_MS)])
      // The job in progress ends at its next step (proveTo checks `stopping`); past 5 s it is left
      // to BullMQ's stalled-job check, and the database still says what was done.
      const w = worker
      // With Redis down even a forced close waits for it: both are bounded.
      await Promise.race([w?.close(), sleep(5_000).then(() => Promise.race([w?.close(true), sleep(2_000)]))]).catch(
        () => {},
      )
      await Promise.race([queue?.close(), sleep(2_000)]).catch(() => {})
      worker = undefined
      queue = undefined
      await node.close()
    },
  }
}
