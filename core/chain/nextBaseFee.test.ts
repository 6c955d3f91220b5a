import { describe, expect, it } from 'vitest'
import { nextBaseFee } from './buildHeader.ts'

const GWEI = 10n ** 9n
const LIMIT = 30_000_000n
const FLOOR = 1_000_000n

/** geth's CalcBaseFee (misc/eip1559), written out independently. */
function reference(gasUsed: bigint, gasLimit: bigint, baseFee: bigint): bigint {
  const target = gasLimit / 2n
  if (gasUsed === target) return baseFee
  if (gasUsed > target) {
    const d = (baseFee * (gasUsed - target)) / target / 8n
    return baseFee + (d < 1n ? 1n : d)
  }
  const d = (baseFee * (target - gasUsed)) / target / 8n
  const next = baseFee - d
  return next < 0n ? 0n : next
}

describe('nextBaseFee', () => {
  it('default', () => {
    expect(nextBaseFee({ gasUsed: LIMIT / 2n, gasLimit: LIMIT, baseFee: GWEI, floor: FLOOR })).toBe(GWEI)
  })

  it('behavior: a full block raises the base fee by 12.5%', () => {
    expect(nextBaseFee({ gasUsed: LIMIT, gasLimit: LIMIT, baseFee: GWEI, floor: FLOOR })).toBe(1_125_000_000n)
    expect(nextBaseFee({ gasUsed: LIMIT, gasLimit: LIMIT, baseFee: 8n * GWEI, floor: FLOOR })).toBe(9n * GWEI)
  })

  it('behavior: an empty block lowers the base fee by 12.5%', () => {
    expect(nextBaseFee({ gasUsed: 0n, gasLimit: LIMIT, baseFee: GWEI, floor: FLOOR })).toBe(875_000_000n)
    expect(nextBaseFee({ gasUsed: 0n, gasLimit: LIMIT, baseFee: 8n * GWEI, floor: FLOOR })).toBe(7n * GWEI)
  })

  it('behavior: a block at the target (half the gas limit) leaves it unchanged', () => {
    for (const baseFee of [FLOOR, GWEI, 123_456_789_012n])
      expect(nextBaseFee({ gasUsed: LIMIT / 2n, gasLimit: LIMIT, baseFee, floor: FLOOR })).toBe(baseFee)
  })

  it('behavior: changes are proportional to the distance from the target', () => {
    // 75% full: +6.25%
    expect(nextBaseFee({ gasUsed: 22_500_000n, gasLimit: LIMIT, baseFee: 16n * GWEI, floor: FLOOR })).toBe(17n * GWEI)
    // 25% full: -6.25%
    expect(nextBaseFee({ gasUsed: 7_500_000n, gasLimit: LIMIT, baseFee: 16n * GWEI, floor: FLOOR })).toBe(15n * GWEI)
  })

  it('behavior: a block just above the target raises the base fee by at least 1 wei', () => {
    // 100_000_000 * 1 / 15_000_000 / 8 rounds to 0
    expect(nextBaseFee({ gasUsed: LIMIT / 2n + 1n, gasLimit: LIMIT, baseFee: 100_000_000n, floor: FLOOR })).toBe(
      100_000_001n,
    )
    // 1 gwei * 1 / 15_000_000 / 8 = 8
    expect(nextBaseFee({ gasUsed: LIMIT / 2n + 1n, gasLimit: LIMIT, baseFee: GWEI, floor: FLOOR })).toBe(GWEI + 8n)
    expect(nextBaseFee({ gasUsed: LIMIT / 2n + 1n, gasLimit: LIMIT, baseFee: 2n * FLOOR, floor: FLOOR })).toBe(
      2n * FLOOR + 1n,
    )
    // 2_000_000 * 21_000 / 15_000_000 / 8 = 350
    expect(nextBaseFee({ gasUsed: LIMIT / 2n + 21_000n, gasLimit: LIMIT, baseFee: 2n * FLOOR, floor: FLOOR })).toBe(
      2n * FLOOR + 350n,
    )
  })

  it('behavior: rounds down like geth', () => {
    // delta = 999_999_999 * 15M / 15M / 8 = 124_999_999 (floor of 124_999_999.875)
    expect(nextBaseFee({ gasUsed: LIMIT, gasLimit: LIMIT, baseFee: 999_999_999n, floor: FLOOR })).toBe(1_124_999_998n)
    expect(nextBaseFee({ gasUsed: 0n, gasLimit: LIMIT, baseFee: 999_999_999n, floor: FLOOR })).toBe(875_000_000n)
  })

  it('behavior: matches geth’s formula across gas used values', () => {
    for (const gasLimit of [30_000_000n, 30_000_001n, 60_000_000n])
      for (const baseFee of [FLOOR, 7n * GWEI + 3n, 1_000n * GWEI])
        for (let i = 0n; i <= 20n; i++) {
          const gasUsed = (gasLimit * i) / 20n
          const want = reference(gasUsed, gasLimit, baseFee)
          expect(nextBaseFee({ gasUsed, gasLimit, baseFee, floor: 0n }), `${gasUsed}/${gasLimit}@${baseFee}`).toBe(want)
        }
  })

  it('behavior: never goes below the floor', () => {
    // 1_100_000 * 7/8 = 962_500 < floor
    expect(nextBaseFee({ gasUsed: 0n, gasLimit: LIMIT, baseFee: 1_100_000n, floor: FLOOR })).toBe(FLOOR)
    expect(nextBaseFee({ gasUsed: 0n, gasLimit: LIMIT, baseFee: FLOOR, floor: FLOOR })).toBe(FLOOR)
    // 1_200_000 * 7/8 = 1_050_000 >= floor
    expect(nextBaseFee({ gasUsed: 0n, gasLimit: LIMIT, baseFee: 1_200_000n, floor: FLOOR })).toBe(1_050_000n)
  })

  it('behavior: a parent base fee below the floor is lifted to it', () => {
    expect(nextBaseFee({ gasUsed: LIMIT / 2n, gasLimit: LIMIT, baseFee: 7n, floor: FLOOR })).toBe(FLOOR)
    expect(nextBaseFee({ gasUsed: LIMIT, gasLimit: LIMIT, baseFee: 7n, floor: FLOOR })).toBe(FLOOR)
  })

  it('behavior: repeated empty blocks decay to the floor and stay there', () => {
    let fee = GWEI
    for (let i = 0; i < 100; i++) fee = nextBaseFee({ gasUsed: 0n, gasLimit: LIMIT, baseFee: fee, floor: FLOOR })
    expect(fee).toBe(FLOOR)
  })

  it('behavior: a zero base fee with a zero floor rises by 1 wei on a full block', () => {
    expect(nextBaseFee({ gasUsed: LIMIT, gasLimit: LIMIT, baseFee: 0n, floor: 0n })).toBe(1n)
    expect(nextBaseFee({ gasUsed: 0n, gasLimit: LIMIT, baseFee: 0n, floor: 0n })).toBe(0n)
  })
})
