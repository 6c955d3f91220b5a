import type { TypedTransaction } from '@ethereumjs/tx'
import type { Address, Hex } from 'viem'
import type { BlockDeposit } from '../core/deposits/depositTx.ts'
import type { StateDiff } from './state/types.ts'

/** The block environment a block's transactions execute in. */
export type BlockEnv = {
  number: bigint
  timestamp: bigint
  coinbase: Address
  gasLimit: bigint
  baseFeePerGas: bigint
  prevRandao: Hex
  parentHash: Hex
  parentBeaconBlockRoot: Hex
  /** L1 deposits (type 0x7e), in bridge-nonce order: credited before the first transaction, first in the block. */
  deposits?: readonly BlockDeposit[]
}

/** A log as produced by execution (hex at the boundary). */
export type ExecutedLog = { address: Address; topics: Hex[]; data: Hex }

/** One transaction's outcome: every receipt field that consensus and the RPC need. */
export type ExecutedReceipt = {
  txHash: Hex
  txType: number
  from: Address
  to: Address | null
  status: 0 | 1
  gasUsed: bigint
  cumulativeGasUsed: bigint
  effectiveGasPrice: bigint
  contractAddress: Address | null
  logs: ExecutedLog[]
  logsBloom: Hex
  /** The receipt as consensus encodes it (typed envelope included), for the receipts root. */
  encoded: Uint8Array
}

/** A transaction left out of a block under construction, and why (e.g. nonce gap, insufficient funds after an earlier tx). */
export type RejectedTx = {
  tx: TypedTransaction
  reason: string
  /** True when only the block was at fault (its gas ran out): the tx may fit the next one. */
  retryable: boolean
}

/** What executing one block yields; `executeBlock`'s parallel and sequential paths must agree on all of it. */
export type ExecuteBlockResult = {
  included: TypedTransaction[]
  rejected: RejectedTx[]
  receipts: ExecutedReceipt[]
  diff: StateDiff
  stateRoot: Hex
  transactionsRoot: Hex
  receiptsRoot: Hex
  logsBloom: Hex
  gasUsed: bigint
  /** Where the time went (ms): running txs, the state root, the tx and receipt roots. */
  timings?: { executeMs: number; stateRootMs: number; rootsMs: number }
}
