import type { TypedTransaction } from '@ethereumjs/tx'
import { bytesToHex } from '@ethereumjs/util'
import { type Hex, numberToHex } from 'viem'
import { effectiveGasPrice } from '../../executor/receipt.ts'
import { hashOf } from '../../executor/txCache.ts'

/** Where a transaction sits in the chain (absent while it is in the pool). */
export type TxLocation = { blockHash: Hex; blockNumber: bigint; index: number; baseFee: bigint }

/** A transaction in the JSON shape of `eth_getTransactionByHash` (geth's RPCTransaction). */
export function formatTransaction(tx: TypedTransaction, from: Hex, at?: TxLocation): Record<string, unknown> {
  const j = tx.toJSON() as Record<string, unknown>
  const out: Record<string, unknown> = {
    blockHash: at ? at.blockHash : null,
    blockNumber: at ? numberToHex(at.blockNumber) : null,
    transactionIndex: at ? numberToHex(at.index) : null,
    hash: hashOf(tx),
    from: from.toLowerCase(),
    to: tx.to ? tx.to.toString() : null,
    nonce: numberToHex(tx.nonce),
    gas: numberToHex(tx.gasLimit),
    value: numberToHex(tx.value),
    input: bytesToHex(tx.data),
    type: numberToHex(tx.type),
  }
  if (tx.type !== 0) out.chainId = numberToHex(tx.common.chainId())
  if ('maxFeePerGas' in tx) {
    out.maxFeePerGas = numberToHex(tx.maxFeePerGas)
    out.maxPriorityFeePerGas = numberToHex(tx.maxPriorityFeePerGas)
    out.gasPrice = numberToHex(at ? effectiveGasPrice(tx, at.baseFee) : tx.maxFeePerGas)
  } else {
    out.gasPrice = numberToHex((tx as { gasPrice: bigint }).gasPrice)
  }
  if (tx.type === 0) {
    if (tx.v !== undefined && tx.v >= 35n) out.chainId = numberToHex((tx.v - 35n) / 2n)
  }
  if (tx.type !== 0) out.accessList = j.accessList ?? []
  if (tx.type === 4)
    out.authorizationList = ((j.authorizationList ?? []) as Record<string, string>[]).map((a) => ({
      chainId: quantity(a.chainId),
      address: a.address.toLowerCase(),
      nonce: quantity(a.nonce),
      yParity: quantity(a.yParity),
      r: quantity(a.r),
      s: quantity(a.s),
    }))
  out.v = numberToHex(tx.v ?? 0n)
  out.r = numberToHex(tx.r ?? 0n)
  out.s = numberToHex(tx.s ?? 0n)
  if (tx.type !== 0) out.yParity = numberToHex(tx.v ?? 0n)
  return out
}

/** ethereumjs writes zero as '0x' and may pad; JSON-RPC wants minimal quantities ('0x0'). */
function quantity(v: string | undefined): Hex {
  return numberToHex(v === undefined || v === '0x' ? 0n : BigInt(v))
}
