import type { Hex } from 'viem'

/** First byte of the posted batch data: the wire format version (docs/batch-format.md). */
export const BATCH_VERSION = 0

/** First byte of every deposit in a batch and of no other tx: the EIP-2718 deposit type (as in core/deposits). */
export const DEPOSIT_TX_TYPE = 0x7e

/** One L2 block as a batch carries it: what a follower needs to re-execute it, nothing derivable. */
export type BatchBlock = {
  number: bigint
  timestamp: bigint
  /**
   * L1 origin: the number of the L1 block whose deposits (and every L1 block's before it) the sequencer had
   * seen when it built this block. uint64, non-decreasing within a batch (derivation rules: docs/derivation.md).
   */
  l1Origin: bigint
  /** Raw deposit transactions (EIP-2718 envelopes of type 0x7e, first byte checked), otherwise opaque to the codec. */
  deposits: Hex[]
  /**
   * Raw signed transactions exactly as the sequencer received them (legacy RLP or typed envelopes), in
   * block order; none may start with 0x7e, the deposit type.
   */
  transactions: Hex[]
}

/** A contiguous range of L2 blocks: `blocks[0].number` is the parent's number + 1, then +1 each. */
export type Batch = {
  /** Hash of the L2 block before `blocks[0]`. */
  parentHash: Hex
  blocks: BatchBlock[]
}
