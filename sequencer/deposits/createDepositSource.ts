import { sequencerDeposits } from '../../core/deposits/depositRules.ts'
import { blockDepositOf } from '../../core/deposits/depositTx.ts'
import type { DepositStore } from '../../core/storage/depositStore.ts'
import type { DepositSource } from '../block/createBlockProducer.ts'

/**
 * The producer's deposit source: each block takes the watcher's origin (never lower than the last
 * block's) and, first in the block, the queued deposits the shared rule says (every deposit at or
 * before the origin, capped per block, never fewer than the due ones).
 */
export function createDepositSource({
  store,
  origin,
  maxPerBlock,
  deadline,
}: {
  store: DepositStore
  origin: () => bigint
  maxPerBlock: number
  deadline: bigint
}): DepositSource {
  const pick = () => {
    const l1Origin = origin()
    const queue = store.queued(Math.max(maxPerBlock, 1) * 4)
    const n = sequencerDeposits(queue, l1Origin, { max: maxPerBlock, deadline })
    return { l1Origin, queue: queue.slice(0, n) }
  }
  return {
    next() {
      const { l1Origin, queue } = pick()
      return { l1Origin, deposits: queue.map(blockDepositOf) }
    },
    commit(l2Block, l1Origin, deposits) {
      store.setOrigin(l2Block, l1Origin)
      store.markIncluded(
        deposits.map((d) => d.nonce),
        l2Block,
      )
    },
    hasWaiting: () => pick().queue.length > 0,
  }
}
