import { EventEmitter } from 'node:events'
import { performance } from 'node:perf_hooks'
import type { Hex } from 'viem'
import type { StoredBlock } from '../../core/storage/chainStore.ts'
import type { BlockExecutionStats } from '../../executor/parallel.ts'
import type { BlockExecutor, NodeEvents } from '../node/createNode.ts'

/** Where one block's build time went (ms). */
export type BlockTimings = {
  /** running the transactions (the parallel executor: predict + merge) */
  executeMs: number
  /** applying the diff to the head state and hashing the state trie */
  stateRootMs: number
  /** the transactions and receipts tries */
  rootsMs: number
  /** from the executor's start to the block being the head: the above, then the header, the SQLite commit */
  buildMs: number
}

/** One sealed block as the metrics and the dashboard see it: what the chain stored and what the executor measured. */
export type BlockRecord = {
  number: bigint
  hash: Hex
  timestamp: bigint
  gasUsed: bigint
  txHashes: Hex[]
  /** Date.now() when it became the head */
  at: number
  /** absent for blocks built before this process started */
  timings?: BlockTimings
  /** the executor's own account (lanes, speculative hits, re-executions); absent with EXECUTOR_WORKERS=0 */
  stats?: BlockExecutionStats
}

/** Turns the node's blocks into {@link BlockRecord}s; see {@link createBlockRecorder}. */
export type BlockRecorder = {
  /** Wraps the block executor so that each built block's timings and stats reach its record. */
  observe(executor: BlockExecutor): BlockExecutor
  events: EventEmitter<{ block: [BlockRecord] }>
  /** Stops listening to the node. */
  close(): void
}

type Measured = Pick<BlockRecord, 'stats'> & { started: number; timings?: Omit<BlockTimings, 'buildMs'> }

/**
 * Creates the recorder: the executor wrapper notes when a block's build started and what the executor
 * reported; the node's `block` event (emitted once the block is committed and is the head) completes the
 * record. The producer builds one block at a time, so at most a few measurements wait for their block.
 */
export function createBlockRecorder({ events: nodeEvents }: { events: NodeEvents }): BlockRecorder {
  const events: BlockRecorder['events'] = new EventEmitter()
  events.setMaxListeners(0)
  const measured = new Map<bigint, Measured>()

  const onBlock = (block: StoredBlock) => {
    const m = measured.get(block.number)
    // a build that threw or was never sealed leaves its measurement behind: drop anything older
    for (const n of measured.keys()) if (n <= block.number) measured.delete(n)
    const header = block.header as { timestamp: Hex; gasUsed: Hex }
    events.emit('block', {
      number: block.number,
      hash: block.hash,
      timestamp: BigInt(header.timestamp),
      gasUsed: BigInt(header.gasUsed),
      txHashes: block.txs.map((t) => t.hash),
      at: Date.now(),
      stats: m?.stats,
      timings: m?.timings && { ...m.timings, buildMs: performance.now() - m.started },
    })
  }
  nodeEvents.on('block', onBlock)

  return {
    events,
    observe: (executor) => ({
      async executeBlock(params) {
        const started = performance.now()
        const result = await executor.executeBlock(params)
        if (params.mode === 'build')
          measured.set(params.env.number, { started, timings: result.timings, stats: result.stats })
        return result
      },
      close: () => executor.close(),
    }),
    close: () => nodeEvents.off('block', onBlock),
  }
}
