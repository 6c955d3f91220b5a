import { describe, expect, it } from 'vitest'
import { dueDeposits, sequencerDeposits } from './depositRules.ts'

const q = (...blocks: number[]) => blocks.map((b) => ({ l1BlockNumber: BigInt(b) }))

describe('deposit rules', () => {
  it('a deposit is due once the origin is `deadline` blocks past its L1 block', () => {
    expect(dueDeposits(q(10, 10, 12), 41n, 32n)).toBe(0)
    expect(dueDeposits(q(10, 10, 12), 42n, 32n)).toBe(2)
    expect(dueDeposits(q(10, 10, 12), 44n, 32n)).toBe(3)
    expect(dueDeposits([], 100n, 32n)).toBe(0)
  })
  it('the sequencer takes everything up to its origin, capped, but never fewer than the due ones', () => {
    expect(sequencerDeposits(q(10, 11, 12), 11n, { max: 10, deadline: 32n })).toBe(2)
    expect(sequencerDeposits(q(10, 11, 12), 11n, { max: 1, deadline: 32n })).toBe(1)
    expect(sequencerDeposits(q(10, 11, 12), 50n, { max: 1, deadline: 32n })).toBe(3)
    expect(sequencerDeposits(q(20), 19n, { max: 10, deadline: 32n })).toBe(0)
  })
})
