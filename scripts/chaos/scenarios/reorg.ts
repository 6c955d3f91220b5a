// L1 reorgs, shallower and deeper than the confirmation depth (L1_CONFIRMATIONS), by `anvil_reorg` (the dropped
// blocks are replaced by as many empty ones) and by `anvil_rollback` (the L1 gets shorter). L1 mining is paused
// around each one so its depth is exact:
//
//   shallow  depth < L1_CONFIRMATIONS, under load: drops a batch that is posted but not yet confirmed
//   deep     depth = 3 × L1_CONFIRMATIONS + 3, drops confirmed batches too; the workload pauses first, until the L2
//            is quiet and its batches sparse on L1 (idle blocks only). Re-posting fewer batches than the L1 blocks
//            dropped, the poster may reach L1 blocks at or below the L1 origins those L2 blocks already carry,
//            which derivation refuses: the origin must precede the L1 block of its batch.
//
// Checked: the dropped batches are gone from L1, then each is posted again and confirmed (the outbox names the L1
// tx that L1 now holds; its `reposts` never exceeds the reorgs that dropped it); L1 then holds every batch exactly
// once, in order, exactly the L2 chain, with no post reverted or doubled. Recovery: from the reorg to the last
// dropped batch confirmed again.
import { waitIncluded } from '../balances.ts'
import { batchOf, checkL1, checkTxsAndBlocks, poll, rollupStatus, sleep, waitPosted } from '../checks.ts'
import type { ChaosContext, ScenarioResult } from '../context.ts'
import { readL1Batches } from '../l1Batches.ts'

const REPOST_TIMEOUT_MS = 120_000

type Kind = { depth: 'shallow' | 'deep'; method: 'anvil_reorg' | 'anvil_rollback' }

/** The i-th reorg: shallow, deep, shallow, deep…; anvil_reorg for the first two, anvil_rollback for the next two. */
const kindOf = (i: number): Kind => ({
  depth: i % 2 === 0 ? 'shallow' : 'deep',
  method: Math.floor(i / 2) % 2 === 0 ? 'anvil_reorg' : 'anvil_rollback',
})

/** Runs `options.reorgs` reorgs. */
export async function reorgScenario(ctx: ChaosContext): Promise<ScenarioResult> {
  const result: ScenarioResult = { scenario: 'reorg', runs: 0, failures: [] }
  for (let i = 0; i < ctx.options.reorgs; i++) {
    if (ctx.remainingMs() <= 0) {
      result.failures.push(`time budget spent: ${ctx.options.reorgs - i} of ${ctx.options.reorgs} reorgs not run`)
      break
    }
    const kind = kindOf(i)
    try {
      if (kind.depth === 'deep') await quiet(ctx)
      const ms = await oneReorg(ctx, kind, result.failures)
      result.runs++
      if (ms !== undefined) result.maxRecoveryMs = Math.max(result.maxRecoveryMs ?? 0, ms)
    } catch (err) {
      result.failures.push(`reorg ${i + 1} (${kind.depth}, ${kind.method}): ${(err as Error).message}`)
      await setMining(ctx, true).catch(() => {})
    } finally {
      ctx.workload.resume()
    }
  }
  result.failures.push(...(await checkTxsAndBlocks(ctx, 'reorg')))
  result.failures.push(...(await checkL1(ctx, 'reorg')))
  return result
}

/** How deep a deep reorg goes: well past the confirmation depth, and past the L1 origins of the dropped blocks. */
const deepDepth = (confirmations: number) => 3 * confirmations + 3

/**
 * Pauses the workload and waits until the L2 is quiet: every tx in a block, every block posted, and then as many
 * L1 blocks as a deep reorg drops, so that the L1 blocks it drops carry only the sparse batches of idle L2 blocks.
 */
async function quiet(ctx: ChaosContext): Promise<void> {
  ctx.workload.pause()
  await waitIncluded({ ledger: ctx.ledger, chain: ctx.chain, unanswered: ctx.workload.unanswered }, 30_000)
  await waitPosted(ctx, await ctx.chain.scanTo(), 60_000)
  await sleep((deepDepth(ctx.devnet.confirmations) + 2) * 1000)
}

const anvil = (ctx: ChaosContext, method: string, params: unknown[] = []) =>
  ctx.devnet.l1.request({ method: method as 'eth_blockNumber', params: params as never })

/** Pauses or resumes Anvil's 1 s interval mining. */
const setMining = (ctx: ChaosContext, on: boolean) => anvil(ctx, 'evm_setIntervalMining', [on ? 1 : 0])

async function oneReorg(ctx: ChaosContext, kind: Kind, failures: string[]): Promise<number | undefined> {
  const { devnet } = ctx
  const label = `reorg ${kind.depth} (${kind.method})`
  const confirmations = devnet.confirmations
  // Wait for the moment that makes the depth right, then stop L1 there.
  const ready = await poll(
    async () => {
      const s = await rollupStatus(ctx)
      if (!s.latestPosted?.l1BlockNumber) return undefined
      const postedUnconfirmed = !s.latestConfirmed || BigInt(s.latestPosted.index) > BigInt(s.latestConfirmed.index)
      if (kind.depth === 'shallow' && !postedUnconfirmed) return undefined
      await setMining(ctx, false)
      const head = await devnet.l1.getBlockNumber()
      const posted = await batchOf(ctx, Number(BigInt(s.latestPosted.index)))
      const at = posted?.l1BlockNumber ? BigInt(posted.l1BlockNumber) : undefined
      if (kind.depth === 'shallow') {
        // still only posted now that L1 stands still: it stays unconfirmed through the reorg
        if (posted?.status === 'posted' && at !== undefined && head - at + 1n < BigInt(confirmations))
          return { head, depth: Number(head - at + 1n) }
      } else {
        const depth = deepDepth(confirmations)
        // a confirmed batch inside the dropped range: the reorg is deeper than what the node trusted
        const confirmed = await batchOf(ctx, Number(BigInt(s.latestConfirmed?.index ?? '0x0')))
        const cAt = confirmed?.l1BlockNumber ? BigInt(confirmed.l1BlockNumber) : undefined
        if (confirmed?.status === 'confirmed' && cAt !== undefined && cAt > head - BigInt(depth)) return { head, depth }
      }
      await setMining(ctx, true)
      return undefined
    },
    60_000,
    50,
  )
  if (!ready) {
    failures.push(`${label}: no batch in the right state to reorg within 60s`)
    return undefined
  }
  const { head, depth } = ready
  const before = await readL1Batches(devnet.l1, devnet.rollup, head)
  const dropped = before.filter((b) => b.l1Block > head - BigInt(depth)).map((b) => b.index)
  await anvil(ctx, kind.method, kind.method === 'anvil_reorg' ? [depth, []] : [depth])
  const t0 = performance.now()
  for (const index of dropped) ctx.maxReposts.set(index, (ctx.maxReposts.get(index) ?? 0) + 1)
  const after = await readL1Batches(devnet.l1, devnet.rollup)
  const still = after.filter((b) => dropped.includes(b.index)).map((b) => b.index)
  if (still.length) failures.push(`${label}: batches ${still.join(',')} still on L1 after the reorg`)
  await setMining(ctx, true)
  ctx.log(`${label}: ${depth} L1 blocks from ${head}, dropping batches ${dropped.join(',') || 'none'}`)
  if (dropped.length === 0) {
    failures.push(`${label}: the reorg dropped no batch`)
    return undefined
  }
  // Every dropped batch on L1 again and confirmed there: the outbox names the L1 tx that L1 now holds for it.
  // (Its `reposts` counts the drops the node noticed: a post mined and dropped before the node saw its receipt is
  // simply posted again. It may never exceed the drops.)
  const settled = await poll(
    async () => {
      const onL1 = new Map((await readL1Batches(devnet.l1, devnet.rollup)).map((b) => [b.index, b.txHash]))
      for (const index of dropped) {
        const b = await batchOf(ctx, index)
        if (b?.status !== 'confirmed' || !onL1.has(index) || b.l1TransactionHash !== onL1.get(index)) return undefined
      }
      return true
    },
    REPOST_TIMEOUT_MS,
    250,
  )
  const ms = performance.now() - t0
  if (!settled) {
    failures.push(
      `${label}: dropped batches ${dropped.join(',')} not confirmed again within ${REPOST_TIMEOUT_MS / 1000}s`,
    )
    return undefined
  }
  for (const index of dropped) {
    const reposts = Number(BigInt((await batchOf(ctx, index))!.reposts))
    if (reposts > ctx.maxReposts.get(index)!)
      failures.push(`${label}: batch ${index} was re-posted ${reposts} times, dropped ${ctx.maxReposts.get(index)}`)
  }
  ctx.log(`${label}: batches ${dropped.join(',')} re-posted and confirmed ${(ms / 1000).toFixed(1)}s after the reorg`)
  return ms
}
