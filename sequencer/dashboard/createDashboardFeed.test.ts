import { EventEmitter } from 'node:events'
import type { Hex } from 'viem'
import { describe, expect, test } from 'vitest'
import type { BlockExecutionStats } from '../../executor/parallel.ts'
import type { BlockRecord, BlockRecorder } from '../metrics/createBlockRecorder.ts'
import { createDashboardFeed, type DashboardEvent } from './createDashboardFeed.ts'
import { PICTURE_MAX_TXS, toBlockView } from './toBlockView.ts'

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex
const stats = (txLanes: number[], reExecutedTxs: number[]): BlockExecutionStats => ({
  mode: 'parallel',
  txs: txLanes.length,
  lanes: new Set(txLanes).size,
  largestLane: 1,
  speculativeHits: txLanes.length - reExecutedTxs.length,
  reExecutions: reExecutedTxs.length,
  predictMs: 1,
  mergeMs: 1,
  rootMs: 1,
  totalMs: 3,
  txLanes,
  reExecutedTxs,
})
const record = (n: number, txs: number, s?: BlockExecutionStats): BlockRecord => ({
  number: BigInt(n),
  hash: hash(n),
  timestamp: 1n,
  gasUsed: 21_000n * BigInt(txs),
  txHashes: Array.from({ length: txs }, (_, i) => hash(1000 + i)),
  at: 1_000,
  stats: s,
  timings: { executeMs: 1, stateRootMs: 1, rootsMs: 1, buildMs: 4 },
})

function feed(head: number) {
  const recorder: Pick<BlockRecorder, 'events'> = { events: new EventEmitter() }
  const f = createDashboardFeed({
    chainId: 901901,
    recorder,
    chain: {
      headNumber: () => BigInt(head),
      headerByNumber: (n) => ({ hash: hash(Number(n)), timestamp: '0x1', gasUsed: '0x0' }),
      txHashesOfBlock: () => [],
      stats: () => undefined,
    },
    mempool: () => ({ pending: 0, queued: 0, senders: 0, topSenders: [] }),
    batches: () => ({ counts: {}, recent: [], proverLag: 0 }),
    keepBlocks: 3,
  })
  return { recorder, f }
}

describe('createDashboardFeed', () => {
  test('default: seeded with the last blocks of the chain, then follows new ones', () => {
    const { recorder, f } = feed(5)
    expect(f.snapshot().blocks.map((b) => b.number)).toEqual(['3', '4', '5'])
    const seen: DashboardEvent[] = []
    const stop = f.subscribe((e) => seen.push(e))
    recorder.events.emit('block', record(6, 2, stats([0, 1], [1])))
    expect(f.snapshot().blocks.map((b) => b.number)).toEqual(['4', '5', '6'])
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({
      type: 'block',
      block: {
        number: '6',
        mode: 'parallel',
        lanes: 2,
        reExecutions: 1,
        picture: { txLanes: [0, 1], reExecuted: [1] },
      },
    })
    stop()
    recorder.events.emit('block', record(7, 0))
    expect(seen).toHaveLength(1)
    f.close()
  })
})

describe('toBlockView', () => {
  test('behavior: a sequential block has no picture: one lane in block order', () => {
    expect(toBlockView(record(1, 3))).toMatchObject({ mode: 'sequential', lanes: 1, largestLane: 3, picture: null })
  })

  test('behavior: pictures stop at PICTURE_MAX_TXS txs; hashes at 16', () => {
    const n = PICTURE_MAX_TXS + 10
    const lanes = Array.from({ length: n }, (_, i) => i % 7)
    const view = toBlockView(record(1, n, stats(lanes, [5, PICTURE_MAX_TXS + 1])))
    expect(view.picture!.txLanes).toHaveLength(PICTURE_MAX_TXS)
    expect(view.picture!.reExecuted).toEqual([5])
    expect(view.picture!.truncated).toBe(true)
    expect(view.txHashes).toHaveLength(16)
    expect(view.txs).toBe(n)
  })
})
