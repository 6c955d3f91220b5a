import { keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../config/config.ts'
import { nextBaseFee } from './buildHeader.ts'
import { BlockTimestampError, nextBlockEnv, parentHeaderOf } from './nextBlockEnv.ts'

const config = readConfig({})
const parent = {
  number: 41n,
  hash: `0x${'ab'.repeat(32)}`,
  timestamp: 1_700_000_000n,
  gasUsed: 21_000n,
  gasLimit: 30_000_000n,
  baseFeePerGas: 1_000_000_000n,
} as const

describe('nextBlockEnv', () => {
  it('default', () => {
    expect(nextBlockEnv({ parent, config, timestamp: 1_700_000_001n })).toEqual({
      number: 42n,
      timestamp: 1_700_000_001n,
      coinbase: config.COINBASE,
      gasLimit: config.BLOCK_GAS_LIMIT,
      baseFeePerGas: nextBaseFee({
        gasUsed: 21_000n,
        gasLimit: 30_000_000n,
        baseFee: 1_000_000_000n,
        floor: config.MIN_BASE_FEE,
      }),
      prevRandao: keccak256(parent.hash),
      parentHash: parent.hash,
      parentBeaconBlockRoot: `0x${'00'.repeat(32)}`,
    })
  })

  it('behavior: the base fee follows the parent (EIP-1559) and never drops below MIN_BASE_FEE', () => {
    const full = nextBlockEnv({ parent: { ...parent, gasUsed: parent.gasLimit }, config, timestamp: parent.timestamp })
    expect(full.baseFeePerGas).toBe(1_125_000_000n)
    const floor = nextBlockEnv({
      parent: { ...parent, gasUsed: 0n, baseFeePerGas: 1n },
      config: { ...config, MIN_BASE_FEE: 7n },
      timestamp: parent.timestamp,
    })
    expect(floor.baseFeePerGas).toBe(7n)
  })

  it('behavior: the gas limit and coinbase come from the chain parameters, not the parent', () => {
    const env = nextBlockEnv({
      parent: { ...parent, gasLimit: 10_000_000n },
      config: { ...config, BLOCK_GAS_LIMIT: 20_000_000n, COINBASE: `0x${'11'.repeat(20)}` },
      timestamp: parent.timestamp,
    })
    expect(env.gasLimit).toBe(20_000_000n)
    expect(env.coinbase).toBe(`0x${'11'.repeat(20)}`)
  })

  it('behavior: a block may share its parent’s timestamp', () => {
    expect(nextBlockEnv({ parent, config, timestamp: parent.timestamp }).timestamp).toBe(parent.timestamp)
  })

  it('behavior: parentHeaderOf reads a stored header’s JSON', () => {
    const header = {
      number: '0x29',
      hash: parent.hash,
      timestamp: '0x6553f100',
      gasUsed: '0x5208',
      gasLimit: '0x1c9c380',
      baseFeePerGas: '0x3b9aca00',
      stateRoot: `0x${'00'.repeat(32)}`,
    }
    expect(parentHeaderOf(header)).toEqual(parent)
  })

  it('error: a timestamp older than the parent’s', () => {
    expect(() => nextBlockEnv({ parent, config, timestamp: parent.timestamp - 1n })).toThrowError(BlockTimestampError)
    expect(() => nextBlockEnv({ parent, config, timestamp: parent.timestamp - 1n })).toThrowErrorMatchingInlineSnapshot(
      `[BlockTimestampError: invalid timestamp for block 42: 1699999999 is older than its parent's 1700000000]`,
    )
  })
})
