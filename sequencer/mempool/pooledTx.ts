import type { TypedTransaction } from '@ethereumjs/tx'
import type { Address, Hash } from 'viem'

/** A validated transaction as the pool keeps it: decoded once, sender recovered once. */
export type PooledTx = {
  hash: Hash
  raw: Uint8Array
  tx: TypedTransaction
  sender: Address
  nonce: bigint
  gasLimit: bigint
  /** maxFeePerGas, or gasPrice for legacy/2930. */
  feeCap: bigint
  /** maxPriorityFeePerGas, or gasPrice for legacy/2930. */
  tip: bigint
  /** gasLimit * feeCap + value: what the sender must be able to pay. */
  cost: bigint
  /** Arrival order, for stable ordering among equal tips. */
  seq: number
}

/** The tip a tx pays the block producer at `baseFee` (negative when it cannot be included). */
export function effectiveTip(tx: PooledTx, baseFee: bigint): bigint {
  const room = tx.feeCap - baseFee
  return room < tx.tip ? room : tx.tip
}
