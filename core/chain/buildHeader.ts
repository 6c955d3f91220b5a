import { createBlockHeader } from '@ethereumjs/block'
import type { Common } from '@ethereumjs/common'
import { RLP } from '@ethereumjs/rlp'
import { bytesToHex, hexToBytes } from '@ethereumjs/util'
import { type Address, type Hex, numberToHex } from 'viem'

/** Everything that goes into an L2 header. */
export type HeaderFields = {
  number: bigint
  parentHash: Hex
  timestamp: bigint
  coinbase: Address
  stateRoot: Hex
  transactionsRoot: Hex
  receiptsRoot: Hex
  logsBloom: Hex
  gasLimit: bigint
  gasUsed: bigint
  baseFeePerGas: bigint
  prevRandao: Hex
  parentBeaconBlockRoot: Hex
  extraData?: Hex
}

/** A sealed header: hash = keccak of its RLP, and the JSON shape `eth_getBlockBy*` serves. */
export type BuiltHeader = { hash: Hex; rlp: Uint8Array; json: Record<string, unknown> }

/**
 * Builds a real Ethereum header for the chain's hardfork (Prague: withdrawalsRoot, blob gas fields,
 * parentBeaconBlockRoot, requestsHash all present with their empty values) so that viem, Foundry
 * and MetaMask accept the block and anyone can recompute its hash.
 */
export function buildHeader(common: Common, f: HeaderFields, txsRaw: readonly Uint8Array[]): BuiltHeader {
  const header = createBlockHeader(
    {
      parentHash: hexToBytes(f.parentHash),
      coinbase: f.coinbase,
      stateRoot: hexToBytes(f.stateRoot),
      transactionsTrie: hexToBytes(f.transactionsRoot),
      receiptTrie: hexToBytes(f.receiptsRoot),
      logsBloom: hexToBytes(f.logsBloom),
      difficulty: 0n,
      number: f.number,
      gasLimit: f.gasLimit,
      gasUsed: f.gasUsed,
      timestamp: f.timestamp,
      extraData: hexToBytes(f.extraData ?? '0x'),
      mixHash: hexToBytes(f.prevRandao),
      nonce: new Uint8Array(8),
      baseFeePerGas: f.baseFeePerGas,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: hexToBytes(f.parentBeaconBlockRoot),
    },
    { common, skipConsensusFormatValidation: true },
  )
  const rlp = header.serialize()
  const hash = bytesToHex(header.hash()) as Hex
  const size = RLP.encode([header.raw(), txsRaw.map((t) => t), [], []]).length
  const j = header.toJSON()
  const json: Record<string, unknown> = {
    number: numberToHex(f.number),
    hash,
    parentHash: f.parentHash,
    nonce: '0x0000000000000000',
    sha3Uncles: j.uncleHash,
    logsBloom: f.logsBloom,
    transactionsRoot: f.transactionsRoot,
    stateRoot: f.stateRoot,
    receiptsRoot: f.receiptsRoot,
    miner: f.coinbase.toLowerCase(),
    difficulty: '0x0',
    totalDifficulty: '0x0',
    extraData: f.extraData ?? '0x',
    size: numberToHex(size),
    gasLimit: numberToHex(f.gasLimit),
    gasUsed: numberToHex(f.gasUsed),
    timestamp: numberToHex(f.timestamp),
    uncles: [],
    baseFeePerGas: numberToHex(f.baseFeePerGas),
    mixHash: f.prevRandao,
    withdrawalsRoot: j.withdrawalsRoot,
    withdrawals: [],
    blobGasUsed: '0x0',
    excessBlobGas: '0x0',
    parentBeaconBlockRoot: f.parentBeaconBlockRoot,
    requestsHash: j.requestsHash,
  }
  return { hash, rlp, json }
}

/** EIP-1559 next base fee (elasticity 2, change denominator 8), never below `floor`. */
export function nextBaseFee({
  gasUsed,
  gasLimit,
  baseFee,
  floor,
}: {
  gasUsed: bigint
  gasLimit: bigint
  baseFee: bigint
  floor: bigint
}): bigint {
  const target = gasLimit / 2n
  let next = baseFee
  if (gasUsed > target) {
    const delta = (baseFee * (gasUsed - target)) / target / 8n
    next = baseFee + (delta > 1n ? delta : 1n)
  } else if (gasUsed < target) {
    next = baseFee - (baseFee * (target - gasUsed)) / target / 8n
  }
  return next < floor ? floor : next
}
