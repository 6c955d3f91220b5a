import type { Hex } from 'viem'

/** First byte of the posted batch data: the wire format version (docs/batch-format.md). */
export const BATCH_VERSION = 0

/** One L2 block as a batch carries it: what a follower needs to re-execute it, nothing derivable. */
export type BatchBlock = {
  number: bigint
  timestamp: bigint
  /** Raw deposit transactions (EIP-2718 envelopes of type 0x7e), opaque bytes to the codec. */
  deposits: Hex[]
  /** Raw signed transactions exactly as the sequencer received them (legacy RLP or typed envelopes), in block order. */
  transactions: Hex[]
}

/** A contiguous range of L2 blocks: `blocks[0].number` is the parent's number + 1, then +1 each. */
export type Batch = {
  /** Hash of the L2 block before `blocks[0]`. */
  parentHash: Hex
  blocks: BatchBlock[]
}
