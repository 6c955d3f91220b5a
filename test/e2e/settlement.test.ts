// L1 settlement end to end: real Anvil, real Redis, the sequencer as a child process.
import { describe, expect, it } from 'vitest'
import { rpc, waitFor } from './harness.ts'
import {
  batchOf,
  expectL1MatchesL2,
  readL1Batches,
  rollupStatus,
  sendTransfers,
  startPrivateRedis,
  useDevnets,
  waitForBatched,
} from './settlement.ts'

const start = useDevnets()

describe('L1 settlement', () => {
  it('posts every L2 block to L1; the calldata decodes to exactly the L2 blocks', async () => {
    const d = await start()
    const last = await sendTransfers(d.node, 24)
    await waitForBatched(d.node, last, 'confirmed')
    const batches = await readL1Batches(d.l1, d.rollup)
    expect(batches.length).toBeGreaterThan(0)
    const upTo = await expectL1MatchesL2(d.node, batches)
    expect(upTo).toBeGreaterThanOrEqual(last)
    const txs = batches.flatMap((b) => b.batch.blocks.flatMap((blk) => blk.transactions))
    expect(txs.length).toBe(24)
  })

  it('a poster killed mid-flight resumes its post after restart: one post, fee-bumped while stuck', async () => {
    // Automine while the contracts deploy, then no L1 mining: the post stays pending until the test mines it.
    const d = await start({ anvilArgs: [] })
    await rpc(d.anvil.url, 'evm_setAutomine', [false])
    await sendTransfers(d.node, 3)
    await waitFor(
      'batch 0 submitted',
      async () => (await batchOf(d.node, 0))?.status === 'submitted' || undefined,
      30_000,
    )
    const pending1 = await rpc<Record<string, Record<string, { maxPriorityFeePerGas: string; hash: string }>>>(
      d.anvil.url,
      'txpool_content',
    ).then((c) => Object.values((c as unknown as { pending: typeof c }).pending).flatMap((m) => Object.values(m)))
    expect(pending1.length).toBe(1)
    await d.node.stop('SIGKILL')
    await d.node.restart()
    // The restarted poster finds its post still pending at the same nonce and replaces it with higher fees.
    const bumped = await waitFor(
      'a fee-bumped replacement',
      async () => {
        const c = await rpc<{
          pending: Record<string, Record<string, { maxPriorityFeePerGas: string; hash: string }>>
        }>(d.anvil.url, 'txpool_content')
        const txs = Object.values(c.pending).flatMap((m) => Object.values(m))
        return txs.length === 1 && txs[0].hash !== pending1[0].hash ? txs[0] : undefined
      },
      30_000,
      200,
    )
    expect(BigInt(bumped.maxPriorityFeePerGas) * 100n).toBeGreaterThanOrEqual(
      BigInt(pending1[0].maxPriorityFeePerGas) * 110n,
    )
    for (let i = 0; i < 3; i++) await rpc(d.anvil.url, 'evm_mine')
    await waitFor('batch 0 posted', async () => {
      const b = await batchOf(d.node, 0)
      return b && (b.status === 'posted' || b.status === 'confirmed') ? b : undefined
    })
    const onL1 = await readL1Batches(d.l1, d.rollup)
    expect(onL1.filter((b) => b.index === 0).length).toBe(1)
    expect((await batchOf(d.node, 0))?.l1TransactionHash).toBe(onL1[0].txHash)
    await expectL1MatchesL2(d.node, onL1)
  }, 120_000)

  it('keeps producing L2 blocks while Anvil is down and posts them when it is back', async () => {
    const d = await start()
    const first = await sendTransfers(d.node, 4)
    await waitForBatched(d.node, first, 'posted')
    await d.anvil.stop()
    const during = await sendTransfers(d.node, 6)
    expect(during).toBeGreaterThan(first)
    await d.anvil.restart()
    await waitForBatched(d.node, during, 'confirmed', 90_000)
    const batches = await readL1Batches(d.l1, d.rollup)
    expect(await expectL1MatchesL2(d.node, batches)).toBeGreaterThanOrEqual(during)
  })

  it('keeps producing while Redis is unavailable; the outbox holds the batches until it returns', async () => {
    const redis = await startPrivateRedis()
    try {
      const d = await start({ redisUrl: redis.url })
      const first = await sendTransfers(d.node, 3)
      await waitForBatched(d.node, first, 'posted')
      await redis.stop()
      const during = await sendTransfers(d.node, 5)
      // sealed batches wait in the outbox; nothing reaches L1 without the queue
      await waitFor('a sealed batch waiting', async () => {
        const s = await rollupStatus(d.node)
        return (s.batches.sealed ?? s.batches.submitted) && BigInt(s.latestPosted?.lastBlock ?? '0x0') < during
          ? true
          : undefined
      })
      const stalled = await rollupStatus(d.node)
      await new Promise((r) => setTimeout(r, 1500))
      expect((await rollupStatus(d.node)).latestPosted?.index).toBe(stalled.latestPosted?.index)
      await redis.start()
      await waitForBatched(d.node, during, 'confirmed', 90_000)
      const batches = await readL1Batches(d.l1, d.rollup)
      expect(await expectL1MatchesL2(d.node, batches)).toBeGreaterThanOrEqual(during)
    } finally {
      await redis.stop()
    }
  })

  for (const how of ['anvil_rollback', 'anvil_reorg'] as const)
    it(`re-posts, once, a batch that an L1 reorg dropped (${how})`, async () => {
      const d = await start({ env: { L1_CONFIRMATIONS: '3' } })
      const last = await sendTransfers(d.node, 4)
      await waitForBatched(d.node, last, 'posted')
      const before = await readL1Batches(d.l1, d.rollup)
      const target = before[before.length - 1]
      const depth = Number((await d.l1.getBlockNumber()) - target.l1Block + 1n)
      // rollback removes the blocks; reorg replaces them with as many new blocks without our txs
      await rpc(d.anvil.url, how, how === 'anvil_rollback' ? [depth] : [depth, []])
      expect((await readL1Batches(d.l1, d.rollup)).some((b) => b.index === target.index)).toBe(false)
      await waitFor(
        `batch ${target.index} re-posted`,
        async () => {
          const b = await batchOf(d.node, target.index)
          return b && BigInt(b.reposts) >= 1n && b.status === 'confirmed' ? b : undefined
        },
        60_000,
        200,
      )
      const after = await readL1Batches(d.l1, d.rollup)
      expect(after.filter((b) => b.index === target.index).length).toBe(1)
      await expectL1MatchesL2(d.node, after)
      expect(Number((await batchOf(d.node, target.index))!.reposts)).toBe(1)
    })
})
