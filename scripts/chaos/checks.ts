// The checks scenarios share. Each returns the lines of what failed (empty: passed) rather than throwing, so one
// failure does not hide the next and the run goes on to its table.
import type { Hex } from 'viem'
import type { ChaosContext } from './context.ts'
import { expectL1MatchesL2, type L1Batch, readBatcherPosts, readL1Batches } from './l1Batches.ts'

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls `check` until it returns a value; undefined after `timeoutMs`. Errors of `check` count as "not yet". */
export async function poll<T>(check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > deadline) return undefined
    await sleep(intervalMs)
  }
}

const short = (h: string) => `${h.slice(0, 10)}…`
const listed = <T>(items: T[], show: (t: T) => string, max = 3) =>
  `${items.slice(0, max).map(show).join(', ')}${items.length > max ? `, … (${items.length} in all)` : ''}`

/**
 * Every accepted tx in exactly one block or in the pool (ledger.check), and no block read before now rewritten or
 * gone (chain.recheck). `label` names the moment in the failure lines.
 */
export async function checkTxsAndBlocks(ctx: ChaosContext, label: string): Promise<string[]> {
  const out: string[] = []
  const problemsBefore = ctx.chain.problems().length
  const r = await ctx.ledger.check()
  if (r.lost.length)
    out.push(
      `${label}: ${r.lost.length} accepted txs lost (${listed(r.lost, (t) => `${short(t.hash)} nonce ${t.nonce}`)})`,
    )
  if (r.duplicated.length)
    out.push(`${label}: ${r.duplicated.length} txs duplicated (${listed(r.duplicated, (t) => short(t.hash))})`)
  for (const line of await ctx.chain.recheck()) out.push(`${label}: ${line}`)
  for (const line of ctx.chain.problems().slice(problemsBefore)) out.push(`${label}: ${line}`)
  return out
}

/** The node's batch outbox, as `rollup_status` shows it. */
export type RollupStatus = {
  head: Hex
  batches: Record<string, Hex>
  latestPosted: { index: Hex; lastBlock: Hex; l1BlockNumber: Hex | null; status: string } | null
  latestConfirmed: { index: Hex; lastBlock: Hex } | null
}

export const rollupStatus = (ctx: ChaosContext) => ctx.devnet.l2.call<RollupStatus>('rollup_status')

/** One batch of the outbox (`rollup_getBatch`). */
export type OutboxBatch = {
  index: Hex
  status: string
  lastBlock: Hex
  reposts: Hex
  l1BlockNumber: Hex | null
  l1TransactionHash: Hex | null
}

export const batchOf = (ctx: ChaosContext, index: number) =>
  ctx.devnet.l2.call<OutboxBatch | null>('rollup_getBatch', [`0x${index.toString(16)}`])

/** Waits until every L2 block up to `block` is in a batch posted to L1; the time it took in ms, or undefined. */
export async function waitPosted(ctx: ChaosContext, block: bigint, timeoutMs: number): Promise<number | undefined> {
  const t0 = performance.now()
  const ok = await poll(async () => {
    const s = await rollupStatus(ctx)
    return s.latestPosted && BigInt(s.latestPosted.lastBlock) >= block ? true : undefined
  }, timeoutMs)
  return ok ? performance.now() - t0 : undefined
}

/**
 * L1 holds every batch exactly once and in order, and they are exactly the L2 chain (blocks, txs, roots chained)
 * with valid L1 origins; every batcher transaction to the rollup succeeded, one per batch (none reverted, none twice).
 */
export async function checkL1(ctx: ChaosContext, label: string): Promise<string[]> {
  const { devnet } = ctx
  const out: string[] = []
  try {
    // both read up to one L1 block, so a post mined in between is not counted by one and not the other
    const l1Head = await devnet.l1.getBlockNumber()
    const batches = await readL1Batches(devnet.l1, devnet.rollup, l1Head)
    await expectL1MatchesL2(devnet.node, batches)
    out.push(...originProblems(batches).map((line) => `${label}: ${line}`))
    const posts = await readBatcherPosts(devnet.anvil.url, {
      rollup: devnet.rollup,
      batcher: devnet.batcher,
      fromBlock: devnet.deployBlock,
      toBlock: l1Head,
    })
    if (posts.succeeded !== batches.length)
      out.push(`${label}: ${posts.succeeded} successful batch posts on L1 for ${batches.length} batches`)
    if (posts.reverted.length)
      out.push(`${label}: ${posts.reverted.length} batch posts reverted on L1 (${listed(posts.reverted, short)})`)
  } catch (err) {
    out.push(`${label}: L1 does not match L2: ${(err as Error).message}`)
  }
  return out
}

/**
 * Derivation's L1-origin rule (prover-stub/deriveBatch.ts): every block's L1 origin is before the L1 block that
 * carries its batch, and origins never decrease. A batch that breaks it is refused by derivation (and disputed by
 * the prover) although the rollup contract accepted it.
 */
export function originProblems(batches: L1Batch[]): string[] {
  const out: string[] = []
  let prev = 0n
  for (const b of [...batches].sort((x, y) => x.index - y.index))
    for (const blk of b.batch.blocks) {
      if (blk.l1Origin >= b.l1Block)
        out.push(
          `batch ${b.index} (L1 block ${b.l1Block}) carries L2 block ${blk.number} with L1 origin ${blk.l1Origin}`,
        )
      if (blk.l1Origin < prev) out.push(`L2 block ${blk.number}'s L1 origin ${blk.l1Origin} is before ${prev}`)
      prev = blk.l1Origin
    }
  return out.length > 5 ? [...out.slice(0, 5), `… ${out.length} origin problems in all`] : out
}

/** Watches the L2 head for `ms`: returns the longest time it went without a new block, in ms. */
export async function longestBlockGap(ctx: ChaosContext, ms: number): Promise<number> {
  const end = Date.now() + ms
  let last = -1n
  let lastAt = Date.now()
  let longest = 0
  while (Date.now() < end) {
    const head = await ctx.devnet.l2.call<Hex>('eth_blockNumber').then(BigInt, () => last)
    const now = Date.now()
    if (head !== last) {
      if (last >= 0n) longest = Math.max(longest, now - lastAt)
      last = head
      lastAt = now
    }
    await sleep(250)
  }
  return Math.max(longest, Date.now() - lastAt)
}
