import type { Common } from '@ethereumjs/common'
import { RLP } from '@ethereumjs/rlp'
import { createTxFromRLP, type TypedTransaction } from '@ethereumjs/tx'
import { bytesToBigInt, bytesToHex } from '@ethereumjs/util'
import type { Address, Hash } from 'viem'
import {
  FeeCapTooLowError,
  GasLimitExceededError,
  GasUintOverflowError,
  IntrinsicGasTooLowError,
  InvalidChainIdError,
  InvalidSenderError,
  OversizedDataError,
  TipAboveFeeCapError,
  TxDecodeError,
  TxTypeNotSupportedError,
  UnprotectedTxError,
} from '../../core/errors/tx.ts'
import type { PooledTx } from './pooledTx.ts'

/** geth's txMaxSize: 4 slots of 32 KiB. */
export const MAX_TX_SIZE = 128 * 1024

const SUPPORTED_TYPES = new Set([1, 2, 4])
const U64_MAX = 2n ** 64n - 1n

/** Chain rules the stateless checks need. */
export type IntakeRules = { common: Common; chainId: bigint; blockGasLimit: bigint; minBaseFee: bigint }

/**
 * Decodes wire bytes into a pool transaction, applying every check that needs no state, in geth's
 * order: size, type, replay protection and chain id, signature (low s, recoverable sender), gas
 * limit vs block, intrinsic gas and the Prague calldata floor, fee fields.
 */
export function decodeRawTransaction(raw: Uint8Array, rules: IntakeRules, seq = 0): PooledTx {
  if (raw.length > MAX_TX_SIZE) throw new OversizedDataError({ size: raw.length, limit: MAX_TX_SIZE })
  if (raw.length === 0) throw new TxDecodeError({ cause: new Error('empty input') })
  const first = raw[0]
  if (first <= 0x7f && !SUPPORTED_TYPES.has(first)) throw new TxTypeNotSupportedError({ type: first })
  checkChainId(raw, rules.chainId)

  let tx: TypedTransaction
  try {
    tx = createTxFromRLP(raw, { common: rules.common })
  } catch (err) {
    const msg = (err as Error).message ?? ''
    if (msg.includes('s-values greater than') || msg.includes('Invalid Signature') || msg.includes('y-parity'))
      throw new InvalidSenderError({ cause: err })
    if (msg.includes('maxFeePerGas cannot be less than maxPriorityFeePerGas')) throw new TipAboveFeeCapError()
    if (msg.includes('overflow') || msg.includes('2^64') || msg.includes('2^256')) throw new GasUintOverflowError()
    if (msg.includes('chain ID') || msg.includes('chain id'))
      throw new InvalidChainIdError({ expected: rules.chainId, got: -1n })
    throw new TxDecodeError({ cause: err })
  }
  if (!tx.isSigned()) throw new InvalidSenderError()
  let sender: Address
  try {
    sender = tx.getSenderAddress().toString() as Address
  } catch (err) {
    throw new InvalidSenderError({ cause: err })
  }
  if (tx.gasLimit > U64_MAX) throw new GasUintOverflowError()
  if (tx.gasLimit > rules.blockGasLimit)
    throw new GasLimitExceededError({ gas: tx.gasLimit, limit: rules.blockGasLimit })
  const intrinsic = tx.getIntrinsicGas()
  if (tx.gasLimit < intrinsic) throw new IntrinsicGasTooLowError({ gas: tx.gasLimit, needed: intrinsic })
  const floor = tx.getMinimumGasLimit()
  if (tx.gasLimit < floor) throw new IntrinsicGasTooLowError({ gas: tx.gasLimit, needed: floor, floor: true })

  const feeCap = 'maxFeePerGas' in tx ? tx.maxFeePerGas : (tx as { gasPrice: bigint }).gasPrice
  const tip = 'maxPriorityFeePerGas' in tx ? tx.maxPriorityFeePerGas : feeCap
  if (tip > feeCap) throw new TipAboveFeeCapError()
  if (feeCap < rules.minBaseFee) throw new FeeCapTooLowError({ feeCap, baseFee: rules.minBaseFee })

  return {
    hash: bytesToHex(tx.hash()) as Hash,
    raw,
    tx,
    sender: sender.toLowerCase() as Address,
    nonce: tx.nonce,
    gasLimit: tx.gasLimit,
    feeCap,
    tip,
    cost: tx.gasLimit * feeCap + tx.value,
    seq,
  }
}

/** Rejects unprotected legacy txs and foreign chain ids before the (costlier) full decode. */
function checkChainId(raw: Uint8Array, chainId: bigint): void {
  let fields: Uint8Array[]
  try {
    const decoded = RLP.decode(raw[0] <= 0x7f ? raw.subarray(1) : raw)
    if (!Array.isArray(decoded)) throw new Error('transaction is not an RLP list')
    fields = decoded as Uint8Array[]
  } catch (err) {
    throw new TxDecodeError({ cause: err })
  }
  if (raw[0] <= 0x7f) {
    const got = fields[0] instanceof Uint8Array ? bytesToBigInt(fields[0]) : -1n
    if (got !== chainId) throw new InvalidChainIdError({ expected: chainId, got })
    return
  }
  const v = fields[6] instanceof Uint8Array ? bytesToBigInt(fields[6]) : 0n
  if (v === 27n || v === 28n) throw new UnprotectedTxError()
  if (v >= 35n) {
    const got = (v - 35n) / 2n
    if (got !== chainId) throw new InvalidChainIdError({ expected: chainId, got })
  }
}
