import { type Hex, numberToHex } from 'viem'
import { type BlockDeposit, decodeDepositTx } from '../../core/deposits/depositTx.ts'

/** Where a deposit sits in its block. */
export type DepositLocation = { blockHash: Hex; blockNumber: Hex; blockTimestamp: bigint; index: number }

/**
 * A deposit transaction as `eth_getTransactionByHash` returns it, in the OP Stack's shape (op-geth):
 * type 0x7e with `sourceHash`, `mint`, `isSystemTx`, zero signature and gas price; viem's op-stack
 * chain formatters read it as a `deposit` transaction.
 */
export function formatDepositTransaction(d: BlockDeposit, at: DepositLocation): Record<string, unknown> {
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

/** A deposit's receipt: always successful, no gas, no logs (deposits come first, so cumulative gas is 0). */
export function formatDepositReceipt(d: BlockDeposit, at: DepositLocation): Record<string, unknown> {
  const tx = decodeDepositTx(d.raw)
  return {
    type: '0x7e',
    status: '0x1',
    cumulativeGasUsed: '0x0',
    logs: [],
    logsBloom: `0x${'00'.repeat(256)}`,
    transactionHash: d.hash,
    transactionIndex: numberToHex(at.index),
    blockHash: at.blockHash,
    blockNumber: at.blockNumber,
    gasUsed: '0x0',
    effectiveGasPrice: '0x0',
    from: tx.from.toLowerCase(),
    to: tx.to.toLowerCase(),
    contractAddress: null,
  }
}
