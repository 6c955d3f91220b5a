import { type Hex, numberToHex } from 'viem'
import { type BlockDeposit, decodeDepositTx } from '../deposits/depositTx.ts'

/** Where a deposit sits in its block. */
export type DepositLocation = { blockHash: Hex; blockNumber: Hex; blockTimestamp: bigint; index: number }

/**
 * A deposit transaction as `eth_getTransactionByHash` returns it, in the OP Stack's shape (op-geth):
 * type 0x7e with `sourceHash`, `mint`, `isSystemTx`, zero signature and gas price; viem's op-stack
 * chain formatters read it as a `deposit` transaction.
 */
export function formatDepositTransaction(
  d: Pick<BlockDeposit, 'raw' | 'hash'>,
  at: DepositLocation,
): Record<string, unknown> {
  const tx = decodeDepositTx(d.raw)
  return {
    blockHash: at.blockHash,
    blockNumber: at.blockNumber,
    transactionIndex: numberToHex(at.index),
    hash: d.hash,
    type: '0x7e',
    from: tx.from.toLowerCase(),
    to: tx.to.toLowerCase(),
    sourceHash: tx.sourceHash,
    mint: numberToHex(tx.mint),
    value: numberToHex(tx.value),
    gas: numberToHex(tx.gas),
    gasPrice: '0x0',
    input: tx.data,
    nonce: '0x0',
    isSystemTx: tx.isSystemTx,
    v: '0x0',
    r: '0x0',
    s: '0x0',
  }
}
