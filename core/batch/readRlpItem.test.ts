import { RLP } from '@ethereumjs/rlp'
import { bytesToHex, hexToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { BatchDecodeError } from './errors.ts'
import { readRlpItem } from './readRlpItem.ts'
import { prng, randomBytes } from './testing/randomBatch.ts'

type Decoded = Uint8Array | Decoded[]

// A general RLP decoder built on readRlpItem, to compare it with @ethereumjs/rlp on any input.
function decodeAll(data: Uint8Array): Decoded {
  const top = readRlpItem(data, 0, data.length, 'top')
  if (top.end !== data.length) throw new Error('trailing bytes')
  const walk = (start: number, end: number, list: boolean): Decoded => {
    if (!list) return data.slice(start, end)
    const out: Decoded[] = []
    for (let pos = start; pos < end; ) {
      const item = readRlpItem(data, pos, end, 'child')
      out.push(walk(item.start, item.end, item.list))
      pos = item.end
    }
    return out
  }
  return walk(top.start, top.end, top.list)
}

const outcome = (decode: (data: Uint8Array) => unknown, data: Uint8Array) => {
  try {
    return { ok: true, value: decode(data) }
  } catch {
    return { ok: false }
  }
}

const randomTree = (rand: () => number, depth: number): Decoded => {
  if (depth === 0 || rand() < 0.4) {
    const lengths = [0, 1, 1, 2, 55, 56, 60, 255, 256]
    const bytes = randomBytes(rand, lengths[Math.floor(rand() * lengths.length)])
    if (bytes.length === 1 && rand() < 0.5) bytes[0] &= 0x7f
    return bytes
  }
  return Array.from({ length: Math.floor(rand() * 6) }, () => randomTree(rand, depth - 1))
}

const same = (a: Decoded, b: Decoded): boolean =>
  Array.isArray(a)
    ? Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]))
    : !Array.isArray(b) && Buffer.compare(a, b) === 0

const long = (n: number) => '00'.repeat(n)

describe('readRlpItem', () => {
  it('default: reads a string and a list header without copying', () => {
    const data = hexToBytes('0xc483010203')
    expect(readRlpItem(data, 0, data.length, 'x')).toEqual({ list: true, start: 1, end: 5 })
    expect(readRlpItem(data, 1, 5, 'x')).toEqual({ list: false, start: 2, end: 5 })
  })

  // Each row: input, whether it is canonical RLP. @ethereumjs/rlp must agree, as must geth's rlp package.
  it.each<[string, `0x${string}`, boolean]>([
    ['single byte', '0x7f', true],
    ['prefixed byte >= 0x80', '0x8180', true],
    ['prefixed byte < 0x80', '0x817f', false],
    ['prefixed zero byte', '0x8100', false],
    ['empty string', '0x80', true],
    ['empty list', '0xc0', true],
    ['long string of 56', `0xb838${long(56)}`, true],
    ['long form for 55 bytes', `0xb837${long(55)}`, false],
    ['long form length with a leading zero', `0xb90038${long(56)}`, false],
    ['long list of 56', `0xf838${'80'.repeat(56)}`, true],
    ['long list form for 55 bytes', `0xf837${'80'.repeat(55)}`, false],
    ['long list length with a leading zero', `0xf90038${'80'.repeat(56)}`, false],
    ['truncated string', '0x830102', false],
    ['truncated length', '0xb9', false],
    ['truncated list', '0xc3010203c0', false],
    ['child past its list', '0xc28201', false],
    ['trailing bytes', '0x0101', false],
    ['8-byte length', '0xbfffffffffffffffff', false],
  ])('behavior: %s', (_name, hex, canonical) => {
    const data = hexToBytes(hex)
    const theirs = outcome(RLP.decode, data)
    const ours = outcome(decodeAll, data)
    expect(theirs.ok, '@ethereumjs/rlp').toBe(canonical)
    expect(ours.ok, 'readRlpItem').toBe(canonical)
    if (canonical) expect(ours.value).toEqual(theirs.value)
  })

  it('behavior: agrees with @ethereumjs/rlp on 20,000 mutated and random inputs (differential)', () => {
    const rand = prng(1234)
    let accepted = 0
    for (let i = 0; i < 20_000; i++) {
      const data = RLP.encode(randomTree(rand, 3))
      const mutations = Math.floor(rand() * 3)
      for (let m = 0; m < mutations; m++) data[Math.floor(rand() * data.length)] = Math.floor(rand() * 256)
      const input =
        rand() < 0.1 ? randomBytes(rand, 1 + Math.floor(rand() * 8)) : rand() < 0.1 ? data.subarray(0, -1) : data
      if (input.length === 0) continue // RLP.decode returns empty bytes for empty input; the batch decoder rejects it first
      const theirs = outcome(RLP.decode, input)
      const ours = outcome(decodeAll, input)
      // expect() only on a mismatch: 20,000 deep comparisons through vitest take seconds.
      if (ours.ok !== theirs.ok || (ours.ok && !same(ours.value as Decoded, theirs.value as Decoded)))
        expect({ input: bytesToHex(input), ours }).toEqual({ input: bytesToHex(input), ours: theirs })
      if (ours.ok) accepted++
    }
    expect(accepted).toBeGreaterThan(5_000) // the comparison covered both outcomes
  })

  it('error: BatchDecodeError "invalid rlp" with the path', () => {
    const data = hexToBytes('0x817f')
    try {
      readRlpItem(data, 0, data.length, 'blocks[0].timestamp')
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(BatchDecodeError)
      expect((err as BatchDecodeError).reason).toBe('invalid rlp')
      expect((err as BatchDecodeError).path).toBe('blocks[0].timestamp')
    }
  })
})
