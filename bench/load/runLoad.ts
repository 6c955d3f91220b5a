// One measured run against one target: read the starting nonces, get the (pre-signed) plan, run the
// untimed setup stages, read the balances to check, then start the clock, send every measured tx,
// wait for every receipt, and check statuses and balances.
import type { Address, Hex } from 'viem'
import { BaseError } from '../../core/errors/base.ts'
import { balanceMismatches, readBalances } from './checkBalances.ts'
import { createReceiptPoller, SUCCEEDED, UNSEEN } from './receipts.ts'
import { percentiles } from './report.ts'
import { batchAll, createRpcClient, type RpcClient, resultOf } from './rpc.ts'
import { laneOrder, sendTransactions } from './send.ts'
import type { LoadTarget, TargetName } from './targets.ts'
import { type LoadPlan, plannedAccounts, type SignedTx, type WorkloadName } from './workloads.ts'

/** The setup of a run did not complete: a tx refused, reverted, or never mined. */
export class LoadSetupError extends BaseError {
  override name = 'LoadSetupError' as const
  constructor({ stage, reason }: { stage: number; reason: string }) {
    super(`setup stage ${stage} failed: ${reason}`)
  }
}

/** What one run measured. Rates are per second of wall clock from the first send. */
export type RunResult = {
  target: TargetName
  workload: WorkloadName
  txs: number
  accepted: number
  rejected: number
  included: number
  failed: number
  /** no new receipt (and no accepted batch) for the stall timeout: the figures cover what came before */
  stalled: boolean
  /** txs accepted per second, first send -> last accepted */
  acceptedTps: number
  /** txs included per second, first send -> last receipt seen */
  includedTps: number
  /** send -> receipt seen by the poller, ms */
  latencyMs: { p50: number; p90: number; p99: number }
  /** blocks holding the run's txs */
  blocks: number
  txsPerBlock: number
  maxTxsPerBlock: number
  /** every tx included with status 1 and every balance exactly as expected */
  verified: boolean
  problems: string[]
  /** first send -> last receipt in µs of the monotonic clock, to cut a CPU profile to the measured phase */
  windowUs: [number, number]
}

/** Live counts for the progress line. */
export type LoadProgress = { total: number; sent: number; rejected: number; included: number }

/** Parameters of `runLoad`. */
export type RunLoadParameters = {
  /** the plan for the target's chain id and starting nonces (signed once, cached by the caller) */
  plan: (chainId: number, nonces: ReadonlyMap<Address, bigint>) => Promise<LoadPlan>
  workload: WorkloadName
  seed: string
  senders: number
  batchSize: number
  inFlight: number
  pollMs: number
  stallMs: number
  /** a sender's tx k is sent only once its tx k - maxAhead has a receipt (0: no limit) */
  maxAhead: number
  onProgress?: (p: LoadProgress) => void
}

/** Measures one run of the workload against `target`. */
export async function runLoad(target: LoadTarget, p: RunLoadParameters): Promise<RunResult> {
  const rpc = createRpcClient(target.url)
  const chainId = Number(BigInt(await rpc.call<Hex>('eth_chainId')))
  const accounts = plannedAccounts({ seed: p.seed, senders: p.senders })
  const counts = await batchAll(
    rpc,
    accounts.map((a) => ({ method: 'eth_getTransactionCount', params: [a, 'pending'] })),
  )
  const nonces = new Map(accounts.map((a, i) => [a, BigInt(resultOf<Hex>(counts[i], 'eth_getTransactionCount'))]))
  const plan = await p.plan(chainId, nonces)

  for (const [stage, txs] of plan.setup.entries()) await runSetupStage(rpc, stage, txs, p)
  const before = await readBalances(rpc, plan.checks)

  const { txs, lanes } = laneOrder(plan.txs, p.inFlight)
  // For --max-ahead: each tx's sender and position, and how many of each sender's txs have receipts
  // (receipts of one sender arrive in nonce order, so that count is a prefix).
  const senderIndex = new Map(plan.txs.map((list, s) => [list[0]?.from, s]))
  const senderOf = Int32Array.from(txs, (t) => senderIndex.get(t.from) ?? 0)
  const position = Int32Array.from(txs, (t) => Number(t.nonce - plan.txs[senderIndex.get(t.from) ?? 0][0].nonce))
  const receiptsOf = new Int32Array(plan.txs.length)
  const abort = new AbortController()
  const fromBlock = BigInt(await rpc.call<Hex>('eth_blockNumber'))
  const progress: LoadProgress = { total: txs.length, sent: 0, rejected: 0, included: 0 }
  const poller = createReceiptPoller(rpc, {
    hashes: txs.map((t) => t.hash),
    fromBlock,
    pollMs: p.pollMs,
    signal: abort.signal,
    onReceipt: (i) => receiptsOf[senderOf[i]]++,
    onReceipts: (seen) => {
      progress.included = seen
      p.onProgress?.(progress)
    },
  })
  const t0 = performance.now()
  const t0Us = Number(process.hrtime.bigint() / 1000n)
  let lastProgress = t0
  let stalled = false
  const watchdog = setInterval(() => {
    const last = Math.max(lastProgress, poller.lastSeenAt() || 0)
    if (performance.now() - last > p.stallMs) {
      stalled = true
      abort.abort()
      poller.stop()
    }
  }, 250)
  let outcome: Awaited<ReturnType<typeof sendTransactions>>
  try {
    outcome = await sendTransactions(rpc, {
      txs,
      lanes,
      batchSize: p.batchSize,
      signal: abort.signal,
      mayGo: p.maxAhead > 0 ? (i) => position[i] < receiptsOf[senderOf[i]] + p.maxAhead : undefined,
      onBatch: (answered, rejected) => {
        lastProgress = performance.now()
        progress.sent = answered
        progress.rejected = rejected
        p.onProgress?.(progress)
      },
    })
    for (const r of outcome.rejected) poller.forget(r.index)
    if (outcome.aborted) for (let i = 0; i < txs.length; i++) if (Number.isNaN(outcome.acceptedAt[i])) poller.forget(i)
    await poller.done
  } finally {
    clearInterval(watchdog)
    poller.stop()
  }

  const accepted = outcome.acceptedAt.filter((t) => !Number.isNaN(t)).length
  const latencies: number[] = []
  let included = 0
  let failed = 0
  let lastAccepted = t0
  let lastSeen = t0
  for (let i = 0; i < txs.length; i++) {
    if (!Number.isNaN(outcome.acceptedAt[i])) lastAccepted = Math.max(lastAccepted, outcome.acceptedAt[i])
    if (poller.status[i] === UNSEEN) continue
    included++
    if (poller.status[i] !== SUCCEEDED) failed++
    lastSeen = Math.max(lastSeen, poller.seenAt[i])
    latencies.push(poller.seenAt[i] - outcome.sentAt[i])
  }
  const problems: string[] = []
  if (stalled) problems.push(`stalled: no new receipt for ${p.stallMs / 1000}s (${included}/${txs.length} included)`)
  if (outcome.rejected.length) {
    const first = outcome.rejected[0]
    problems.push(`${outcome.rejected.length} refused at intake, e.g. ${first.code} ${first.message}`)
  }
  if (failed) problems.push(`${failed} included with status 0`)
  if (!stalled && included === txs.length) {
    const after = await readBalances(rpc, plan.checks)
    const wrong = balanceMismatches(plan.checks, before, after)
    if (wrong.length) problems.push(`${wrong.length} balances off, e.g. ${wrong[0]}`)
  } else if (!stalled) problems.push(`${txs.length - included} never included`)
  const perBlock = [...poller.perBlock.values()]
  return {
    target: target.name,
    workload: plan.workload,
    txs: txs.length,
    accepted,
    rejected: outcome.rejected.length,
    included,
    failed,
    stalled,
    acceptedTps: accepted / ((lastAccepted - t0) / 1000),
    includedTps: included / ((lastSeen - t0) / 1000),
    latencyMs: percentiles(latencies),
    blocks: perBlock.length,
    txsPerBlock: perBlock.length ? included / perBlock.length : 0,
    maxTxsPerBlock: Math.max(0, ...perBlock),
    verified: problems.length === 0,
    problems,
    windowUs: [t0Us, t0Us + Math.round((lastSeen - t0) * 1000)],
  }
}

/** Sends one setup stage and waits until every tx of it is mined with status 1. */
async function runSetupStage(
  rpc: RpcClient,
  stage: number,
  stageTxs: readonly SignedTx[],
  p: Pick<RunLoadParameters, 'batchSize' | 'inFlight' | 'pollMs' | 'stallMs'>,
): Promise<void> {
  const bySender = new Map<Address, SignedTx[]>()
  for (const tx of stageTxs) bySender.set(tx.from, [...(bySender.get(tx.from) ?? []), tx])
  const { txs, lanes } = laneOrder([...bySender.values()], p.inFlight)
  const fromBlock = BigInt(await rpc.call<Hex>('eth_blockNumber'))
  const poller = createReceiptPoller(rpc, { hashes: txs.map((t) => t.hash), fromBlock, pollMs: p.pollMs })
  try {
    const out = await sendTransactions(rpc, { txs, lanes, batchSize: p.batchSize })
    if (out.rejected.length) {
      const r = out.rejected[0]
      throw new LoadSetupError({ stage, reason: `${out.rejected.length} refused, e.g. ${r.code} ${r.message}` })
    }
    const deadline = setTimeout(() => poller.stop(), p.stallMs)
    await poller.done
    clearTimeout(deadline)
  } finally {
    poller.stop()
  }
  if (poller.pending() > 0)
    throw new LoadSetupError({ stage, reason: `${poller.pending()} txs not mined after ${p.stallMs / 1000}s` })
  const failed = [...poller.status].filter((s) => s !== SUCCEEDED).length
  if (failed) throw new LoadSetupError({ stage, reason: `${failed} txs reverted` })
}
