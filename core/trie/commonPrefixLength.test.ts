import { describe, expect, it } from 'vitest'
import { commonPrefixLength } from './commonPrefixLength.ts'

const bytes = (...values: number[]) => Uint8Array.from(values)

describe('commonPrefixLength', () => {
  it('default', () => {
    expect(commonPrefixLength(bytes(0x12, 0x34, 0x56), bytes(0x12, 0x35, 0x56), 0)).toBe(3)
  })

  it('behavior: stops at the end of the shorter key', () => {
    expect(commonPrefixLength(bytes(0x12), bytes(0x12, 0x34), 0)).toBe(2)
    expect(commonPrefixLength(bytes(), bytes(0x12), 0)).toBe(0)
  })

  it('behavior: differing high nibble, low nibble, and identical keys', () => {
    expect(commonPrefixLength(bytes(0x12, 0x34), bytes(0x12, 0x44), 0)).toBe(2)
    expect(commonPrefixLength(bytes(0x12, 0x34), bytes(0x12, 0x35), 0)).toBe(3)
    expect(commonPrefixLength(bytes(0x12, 0x34), bytes(0x12, 0x34), 0)).toBe(4)
  })

  it('behavior: starts at an odd or even nibble and honours the limit', () => {
    expect(commonPrefixLength(bytes(0x12, 0x34), bytes(0x92, 0x34), 1)).toBe(4)
    expect(commonPrefixLength(bytes(0x12, 0x34), bytes(0x13, 0x34), 1)).toBe(1)
    expect(commonPrefixLength(bytes(0x12, 0x34), bytes(0x12, 0x34), 1, 3)).toBe(3)
    expect(commonPrefixLength(bytes(0x12, 0x34), bytes(0x12, 0x34), 3, 3)).toBe(3)
  })

  it('behavior: agrees with a nibble-by-nibble scan on random keys', () => {
    const nib = (k: Uint8Array, i: number) => (i & 1 ? k[i >> 1] & 15 : k[i >> 1] >> 4)
    const scan = (a: Uint8Array, b: Uint8Array, from: number, limit: number) => {
      const end = Math.min(a.length * 2, b.length * 2, limit)
      if (from >= end) return end
      let i = from
      while (i < end && nib(a, i) === nib(b, i)) i++
      return i
    }
    for (let round = 0; round < 2000; round++) {
      const a = Uint8Array.from({ length: (round % 5) + 1 }, () => (Math.random() < 0.7 ? 0x11 : 0x12))
      const b = Uint8Array.from({ length: ((round >> 2) % 5) + 1 }, () => (Math.random() < 0.7 ? 0x11 : 0x21))
      const from = round % 4
      const limit = from + (round % 7)
      expect(commonPrefixLength(a, b, from, limit), `${a} ${b} ${from} ${limit}`).toBe(scan(a, b, from, limit))
    }
  })
})
