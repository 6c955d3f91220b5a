import type { Common } from '@ethereumjs/common'
import { Bloom } from '@ethereumjs/vm'
import type { Address, Hex } from 'viem'
import { decodeTx, knownRaw, knownSender } from '../../executor/txCache.ts'
import { DEPOSIT_TX_TYPE } from '../deposits/depositTx.ts'
import { hexBuffer } from '../storage/hexBuffer.ts'
import { formatDepositTransaction } from './formatDeposit.ts'
import { formatTransaction } from './formatTransaction.ts'

/**
 * What a block keeps per transaction: its wire bytes, sender and the receipt's own facts. The JSON-RPC shapes
 * are built from these when read (as geth derives its receipts' block fields, logs' indexes and blooms), so a
 * block's write stores ~200 bytes a transaction instead of ~2.5 KB (the JSON of a one-log ERC-20 transfer and its
 * receipt measured 2,427 bytes, plus its wire bytes).
 */
export type TxFacts = {
  hash: Hex
  raw: Uint8Array
  sender: Address
  to: Address | null
  status: 0 | 1
  cumulativeGasUsed: bigint
  gasUsed: bigint
  effectiveGasPrice: bigint
  contractAddress: Address | null
  /** The block-wide index of the tx's first log, and how many logs it emitted. */
  firstLog: number
  logCount: number
  /**
   * The receipt's bloom, where the executor's is at hand (a block just sealed). Not stored: a receipt read back from
   * the database recomputes it from its logs.
   */
  logsBloom?: Hex
}

/** A log and where it sits in its block. */
export type LogFacts = { logIndex: number; txIndex: number; txHash: Hex; address: Address; topics: Hex[]; data: Hex }

/** The block fields a transaction, receipt or log repeats. */
export type BlockPlace = { hash: Hex; number: bigint; timestamp: bigint; baseFee: bigint }

/** The block fields of a stored header (its RPC shape). */
export function blockPlaceOf(header: Record<string, unknown>): BlockPlace {
  return {
    hash: header.hash as Hex,
    number: BigInt(header.number as string),
    timestamp: BigInt(header.timestamp as string),
    baseFee: BigInt((header.baseFeePerGas as string | undefined) ?? 0),
  }
}

/**
 * A JSON-RPC quantity (minimal hex) of a non-negative integer. viem's `numberToHex` checks sizes and signs first,
 * which made it a visible share of reading a block's receipts; the values here come from our own store.
 */
const quantity = (n: bigint | number) => `0x${n.toString(16)}` as Hex

const ZERO_BLOOM = `0x${'00'.repeat(256)}` as Hex

/** A log as `eth_getLogs` and receipts return it. */
export function formatLog(l: LogFacts, b: BlockPlace): Record<string, unknown> {
  return {
    address: l.address,
    topics: l.topics,
    data: l.data,
    blockNumber: quantity(b.number),
    blockHash: b.hash,
    blockTimestamp: quantity(b.timestamp),
    transactionHash: l.txHash,
    transactionIndex: quantity(l.txIndex),
    logIndex: quantity(l.logIndex),
    removed: false,
  }
}

/** The EIP-2718 type of a tx's wire bytes (a legacy tx starts with an RLP list prefix, >= 0xc0). */
const typeOf = (raw: Uint8Array) => (raw[0] <= 0x7f ? raw[0] : 0)

/** A receipt as `eth_getTransactionReceipt` returns it; `logs` are the tx's own, in order. */
export function formatReceipt(
  t: TxFacts,
  index: number,
  logs: readonly LogFacts[],
  b: BlockPlace,
  common: Common,
): Record<string, unknown> {
  let logsBloom = t.logsBloom ?? ZERO_BLOOM
  if (t.logsBloom === undefined && logs.length) {
    const bloom = new Bloom(undefined, common)
    for (const l of logs) {
      bloom.add(hexBuffer(l.address))
      for (const topic of l.topics) bloom.add(hexBuffer(topic))
    }
    logsBloom = `0x${Buffer.from(bloom.bitvector.buffer, bloom.bitvector.byteOffset, 256).toString('hex')}`
  }
  return {
    type: quantity(typeOf(t.raw)),
    status: quantity(t.status),
    cumulativeGasUsed: quantity(t.cumulativeGasUsed),
    logs: logs.map((l) => formatLog(l, b)),
    logsBloom,
    transactionHash: t.hash,
    transactionIndex: quantity(index),
    blockHash: b.hash,
    blockNumber: quantity(b.number),
    gasUsed: quantity(t.gasUsed),
    effectiveGasPrice: quantity(t.effectiveGasPrice),
    from: t.sender,
    to: t.to,
    contractAddress: t.contractAddress,
  }
}

/** A mined transaction as `eth_getTransactionByHash` returns it, decoded from its wire bytes. */
export function formatMinedTransaction(
  t: Pick<TxFacts, 'hash' | 'raw' | 'sender'>,
  index: number,
  b: BlockPlace,
  common: Common,
): Record<string, unknown> {
  if (t.raw[0] === DEPOSIT_TX_TYPE)
    return formatDepositTransaction(t, {
      blockHash: b.hash,
      blockNumber: quantity(b.number),
      blockTimestamp: b.timestamp,
      index,
    })
  const tx = decodeTx(t.raw, common)
  knownRaw(tx, t.raw, t.hash)
  knownSender(tx, t.sender)
  return formatTransaction(tx, t.sender, { blockHash: b.hash, blockNumber: b.number, index, baseFee: b.baseFee })
}
