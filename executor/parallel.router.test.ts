import { afterAll, expect, test } from 'vitest'
import { uniswapSwaps } from '../bench/workloads.ts'
import { createChainCommon } from '../core/chain/createChainCommon.ts'
import { type BlockExecutionStats, createParallelExecutor, type ParallelExecutor } from './parallel.ts'
import { createSequentialExecutor } from './sequential.ts'
import { createWorldState } from './state/worldState.ts'
import { blockEnv, describeMismatch, dump, summarize } from './testing/differential.ts'

// Swaps through one router contract on two Uniswap V2 pairs (the bench's mixed workload): every tx calls the
// router, and only swaps naming the same pair conflict. The first block teaches the executor that the router is
// hot and that the pair argument keys its conflicts; the next block runs as one lane per pair, with no
// re-execution. Every block must equal the sequential result (receipts, left-out txs, every account and slot).

const common = createChainCommon({ chainId: 901901 })
let par: ParallelExecutor | undefined
afterAll(() => par?.close())

test('router swaps on two pairs: one lane per pair once learned, identical to sequential', async () => {
  const { workload } = uniswapSwaps(common, 400, 2, 'router-two-pairs', (i) => i % 2)
  const seqState = createWorldState()
  seqState.applyDiff(workload.genesis)
  const seq = await createSequentialExecutor({ common, blockHash: () => undefined, fastTransfers: false })
  let n = 1n
  for (const txs of workload.setup) {
    const r = await seq.executeBlock({ state: seqState, env: blockEnv(n++, 1_000_000_000n), txs, mode: 'build' })
    expect(r.rejected).toEqual([])
  }
  const parState = createWorldState(seqState.snapshot())
  par = await createParallelExecutor({ common, blockHash: () => undefined, workers: 2 })
  const stats: BlockExecutionStats[] = []
  for (const txs of [workload.block.slice(0, 200), workload.block.slice(200)]) {
    const env = blockEnv(n++)
    const s = await seq.executeBlock({ state: seqState, env, txs, mode: 'build' })
    const p = await par.executeBlock({ state: parState, env, txs, mode: 'build' })
    expect(describeMismatch(`block ${env.number}`, summarize(s), summarize(p))).toBeUndefined()
    expect(describeMismatch(`state after block ${env.number}`, dump(seqState), dump(parState))).toBeUndefined()
    expect(s.receipts.every((r) => r.status === 1)).toBe(true)
    stats.push(p.stats)
  }
  expect(stats.map((s) => s.mode)).toEqual(['parallel', 'parallel'])
  // block 1: the router is not yet known to be hot, so same-pair swaps in separate lanes conflict
  expect(stats[0].reExecutions).toBeGreaterThan(0)
  // block 2: a lane per pair (100 swaps each), no conflict left between them
  expect({ lanes: stats[1].lanes, largestLane: stats[1].largestLane, reExecutions: stats[1].reExecutions }).toEqual({
    lanes: 2,
    largestLane: 100,
    reExecutions: 0,
  })
})
