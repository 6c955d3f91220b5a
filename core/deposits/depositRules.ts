// The deposit rules shared by the sequencer (which follows them when it builds a block) and by
// derivation (which enforces them when it rebuilds the chain from L1). See docs/derivation.md.

/** A queued deposit as the rules see it: where it is on L1. */
export type QueuedDeposit = { l1BlockNumber: bigint }

/**
 * How many deposits at the head of the queue (nonce order, not yet included) are **due** in an L2
 * block with L1 origin `l1Origin`: those whose L1 block is at or before `l1Origin - deadline`.
 * A block that leaves a due deposit out gets it forced in by derivation.
 */
export function dueDeposits(queue: readonly QueuedDeposit[], l1Origin: bigint, deadline: bigint): number {
  let n = 0
  while (n < queue.length && queue[n].l1BlockNumber + deadline <= l1Origin) n++
  return n
}

/**
 * How many deposits the sequencer includes in a block with origin `l1Origin`: every queued deposit
 * at or before its origin, at most `max` per block — but never fewer than the due ones, so the
 * sequencer's blocks always satisfy the rule derivation enforces.
 */
export function sequencerDeposits(
  queue: readonly QueuedDeposit[],
  l1Origin: bigint,
  { max, deadline }: { max: number; deadline: bigint },
): number {
  let n = 0
  while (n < queue.length && n < max && queue[n].l1BlockNumber <= l1Origin) n++
  return Math.max(n, dueDeposits(queue, l1Origin, deadline))
}
