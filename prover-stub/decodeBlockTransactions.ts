import type { Common } from '@ethereumjs/common'
import { createTxFromRLP, type TypedTransaction } from '@ethereumjs/tx'
import { equalsBytes } from '@ethereumjs/util'
import { type Hex, hexToBytes } from 'viem'
import { rawOf, senderOf } from '../executor/txCache.ts'
import { DerivationError } from './errors.ts'

// The transaction types of this chain, as the sequencer's intake admits them: legacy, EIP-2930,
// EIP-1559, EIP-7702. Blob transactions (type 3) have no place on an L2 that has no blobs.
const CHAIN_TX_TYPES = new Set([0, 1, 2, 4])

/** Where a block sits, for the errors of {@link decodeBlockTransactions}. */
export type BlockPosition = { batchIndex: number; l2Block: bigint }

/**
 * Decodes the raw transactions a batch carries for one block under consensus rules, not the pool's
 * admission policy (sizes, fee floors): each must be a signed transaction of this chain's types and
 * chain id whose sender recovers, in its one canonical encoding (the transactions root is built from
 * the re-encoded bytes, so any other encoding of the same transaction would change the block hash).
 * Whether it can run (nonce, funds, gas) is the executor's call in 'verify' mode.
 */
export function decodeBlockTransactions(common: Common, raws: readonly Hex[], at: BlockPosition): TypedTransaction[] {
  return raws.map((hex, i) => {
    const invalid = (details: string, cause?: unknown) =>
      new DerivationError({ reason: 'invalid transaction', ...at, details: `transaction ${i}: ${details}`, cause })
    const raw = hexToBytes(hex)
    const type = raw[0] <= 0x7f ? raw[0] : 0
    if (!CHAIN_TX_TYPES.has(type)) throw invalid(`transaction type ${type} not supported`)
    let tx: TypedTransaction
    try {
      tx = createTxFromRLP(raw, { common })
    } catch (cause) {
      throw invalid(`cannot decode: ${(cause as Error).message}`, cause)
    }
    if (!tx.isSigned()) throw invalid('not signed')
    try {
      senderOf(tx)
    } catch (cause) {
      throw invalid(`invalid signature: ${(cause as Error).message}`, cause)
    }
    if (!equalsBytes(rawOf(tx), raw)) throw invalid('not in its canonical encoding')
    return tx
  })
}
