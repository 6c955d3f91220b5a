import { rlpHeaderLength, rlpIntegerLength } from './rlpLength.ts'

/** Parameters for {@link batchPayloadSize}. */
export type BatchPayloadSizeParameters = {
  firstBlockNumber: bigint
  /** Sum of `blockPayloadSize` over the batch's blocks. */
  blockBytes: number
}

/**
 * Exact length of the uncompressed payload RLP([parentHash, firstBlockNumber, [blocks]]) given the
 * blocks' summed item sizes: what `encodeBatchPayload(batch).length` returns, without encoding.
 */
export function batchPayloadSize({ firstBlockNumber, blockBytes }: BatchPayloadSizeParameters): number {
  const body = 33 + rlpIntegerLength(firstBlockNumber) + rlpHeaderLength(blockBytes) + blockBytes
  return rlpHeaderLength(body) + body
}
