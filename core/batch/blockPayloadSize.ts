import type { BatchBlock } from './batch.ts'
import { rlpHeaderLength, rlpHexLength, rlpIntegerLength } from './rlpLength.ts'

/**
 * Exact length of `block`'s item RLP([timestamp, l1Origin, [deposits], [transactions]]) in the batch payload.
 * Sum them over a batch's blocks and pass the sum to `batchPayloadSize` for the payload's exact length.
 */
export function blockPayloadSize(block: BatchBlock): number {
  let deposits = 0
  for (const raw of block.deposits) deposits += rlpHexLength(raw)
  let transactions = 0
  for (const raw of block.transactions) transactions += rlpHexLength(raw)
  const body =
    rlpIntegerLength(block.timestamp) +
    rlpIntegerLength(block.l1Origin) +
    rlpHeaderLength(deposits) +
    deposits +
    rlpHeaderLength(transactions) +
    transactions
  return rlpHeaderLength(body) + body
}
