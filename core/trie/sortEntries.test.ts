import { bytesToHex } from '@ethereumjs/util'
import { describe, expect, it } from 'vitest'
import { sortEntries } from './sortEntries.ts'

const bytes = (...values: number[]) => Uint8Array.from(values)
const hexes = (list: Uint8Array[]) => list.map((b) => bytesToHex(b))
const byBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b)

describe('sortEntries', () => {
  it('default', () => {
    const { keys, values } = sortEntries([
      [bytes(2), bytes(20)],
      [bytes(1), bytes(10)],
    ])
    expect(hexes(keys)).toEqual(['0x01', '0x02'])
    expect(hexes(values)).toEqual(['0x0a', '0x14'])
  })

  it('behavior: a key that is a prefix of another sorts first', () => {
    const { keys } = sortEntries([
      [bytes(1, 2), bytes(1)],
      [bytes(1), bytes(1)],
      [bytes(), bytes(1)],
      [bytes(0, 9), bytes(1)],
    ])
    expect(hexes(keys)).toEqual(['0x', '0x0009', '0x01', '0x0102'])
  })

  it('behavior: the last write of a key wins and an empty value removes it', () => {
    const { keys, values } = sortEntries([
      [bytes(1), bytes(1)],
      [bytes(2), bytes(2)],
      [bytes(1), bytes(3)],
      [bytes(2), bytes()],
      [bytes(3), bytes()],
    ])
    expect(hexes(keys)).toEqual(['0x01'])
    expect(hexes(values)).toEqual(['0x03'])
  })

  it('behavior: already-sorted input is returned as is', () => {
    const input = [bytes(1), bytes(1, 0), bytes(2)].map((key) => [key, bytes(7)] as const)
    const { keys } = sortEntries(input)
    expect(keys[0]).toBe(input[0][0])
    expect(hexes(keys)).toEqual(['0x01', '0x0100', '0x02'])
  })

  it('behavior: large random inputs (radix path) match a comparison sort, duplicates resolved in order', () => {
    const entries: [Uint8Array, Uint8Array][] = []
    for (let i = 0; i < 20_000; i++) {
      // Short keys over a small alphabet: many duplicates, shared prefixes and prefix keys.
      const key = Uint8Array.from({ length: Math.floor(Math.random() * 4) }, () => Math.floor(Math.random() * 3))
      entries.push([key, i % 50 === 0 ? bytes() : Uint8Array.of(i & 0xff, i >> 8)])
    }
    for (let i = 0; i < 20_000; i++) entries.push([crypto.getRandomValues(new Uint8Array(32)), bytes(1)])
    const latest = new Map<string, [Uint8Array, Uint8Array]>()
    for (const [key, value] of entries) latest.set(bytesToHex(key), [key, value])
    const expected = [...latest.values()].filter(([, value]) => value.length > 0).sort(([a], [b]) => byBytes(a, b))
    const { keys, values } = sortEntries(entries)
    expect(hexes(keys)).toEqual(hexes(expected.map(([key]) => key)))
    expect(hexes(values)).toEqual(hexes(expected.map(([, value]) => value)))
  })
})
