import { bytesToHex, type Hex, hexToBytes } from 'viem'
import type { BlockEnv } from '../../executor/types.ts'
import type { Config } from '../config/config.ts'
import { keccak256 } from '../crypto/keccak256.ts'
import { BaseError } from '../errors/base.ts'
import { nextBaseFee } from './buildHeader.ts'

/** The fields of the parent header that the next block's environment is made from. */
export type ParentHeader = {
  number: bigint
  hash: Hex
  timestamp: bigint
  gasUsed: bigint
  gasLimit: bigint
  baseFeePerGas: bigint
}

/** Parameters for {@link nextBlockEnv}. */
export type NextBlockEnvParameters = {
  parent: ParentHeader
  /** Chain parameters: the fee recipient, the gas limit of every block, the base fee floor. */
  config: Pick<Config, 'COINBASE' | 'BLOCK_GAS_LIMIT' | 'MIN_BASE_FEE'>
  /**
   * The block's timestamp: the producer's wall-clock rule, or the timestamp a batch carries. Never
   * below the parent's (several blocks a second share one).
   */
  timestamp: bigint
}

/** A block's timestamp is below its parent's. */
export class BlockTimestampError extends BaseError {
  override name = 'BlockTimestampError' as const
  readonly number: bigint
  constructor({ number, timestamp, parentTimestamp }: { number: bigint; timestamp: bigint; parentTimestamp: bigint }) {
    super(`invalid timestamp for block ${number}: ${timestamp} is older than its parent's ${parentTimestamp}`)
    this.number = number
  }
}

/**
 * The environment of the block after `parent`: the one rule by which the sequencer builds a block
 * and a follower re-derives it from L1. Everything but the timestamp follows from the parent and the
 * chain parameters: number + 1, coinbase and gas limit from the config, the EIP-1559 base fee from
 * the parent's gas use, prevRandao = keccak256(parent hash), a zero parent beacon block root.
 */
export function nextBlockEnv({ parent, config, timestamp }: NextBlockEnvParameters): BlockEnv {
  const number = parent.number + 1n
  if (timestamp < parent.timestamp)
    throw new BlockTimestampError({ number, timestamp, parentTimestamp: parent.timestamp })
  return {
    number,
    timestamp,
    coinbase: config.COINBASE as BlockEnv['coinbase'],
    gasLimit: config.BLOCK_GAS_LIMIT,
    baseFeePerGas: nextBaseFee({
      gasUsed: parent.gasUsed,
      gasLimit: parent.gasLimit,
      baseFee: parent.baseFeePerGas,
      floor: config.MIN_BASE_FEE,
    }),
    // No beacon chain to draw randomness from: a value anyone can recompute from L1 data alone.
    prevRandao: bytesToHex(keccak256(hexToBytes(parent.hash))),
    parentHash: parent.hash,
    parentBeaconBlockRoot: `0x${'00'.repeat(32)}`,
  }
}

/** The {@link ParentHeader} of a stored header (its `eth_getBlockBy*` JSON shape, quantities as hex). */
export function parentHeaderOf(header: Record<string, unknown>): ParentHeader {
  return {
    number: BigInt(header.number as string),
    hash: header.hash as Hex,
    timestamp: BigInt(header.timestamp as string),
    gasUsed: BigInt(header.gasUsed as string),
    gasLimit: BigInt(header.gasLimit as string),
    baseFeePerGas: BigInt(header.baseFeePerGas as string),
  }
}
