import { RLP } from '@ethereumjs/rlp'
import { bytesToHex } from '@ethereumjs/util'
import { describe, expect, it } from 'vitest'
import { keccak256 } from '../crypto/keccak256.ts'
import { NodeEncoder, SLOT_SIZE } from './NodeEncoder.ts'

// Hex-prefix encoding straight from the Yellow Paper (appendix C), as a reference.
function hexPrefix(nibbles: number[], leaf: boolean): Uint8Array {
  const flag = (leaf ? 2 : 0) + (nibbles.length % 2)
  const all = nibbles.length % 2 ? [flag, ...nibbles] : [flag, 0, ...nibbles]
  return Uint8Array.from({ length: all.length / 2 }, (_, i) => all[2 * i] * 16 + all[2 * i + 1])
}
const nibblesOf = (key: Uint8Array) => [...key].flatMap((b) => [b >> 4, b & 15])
// A reference as the encoder returns it: inline RLP when short, else its hash.
const asRef = (encoded: Uint8Array) => (encoded.length < 32 ? encoded : keccak256(encoded))
const hex = (bytes: Uint8Array) => bytesToHex(new Uint8Array(bytes))

describe('NodeEncoder', () => {
  it('default', () => {
    const key = Uint8Array.of(0x12, 0x34, 0x56)
    const value = new Uint8Array(40).fill(7)
    const expected = RLP.encode([hexPrefix(nibblesOf(key).slice(1), true), value])
    expect(hex(new NodeEncoder().leaf(key, 1, value))).toBe(hex(keccak256(expected)))
  })

  it('behavior: short nodes are returned inline, not hashed', () => {
    const encoder = new NodeEncoder()
    const key = Uint8Array.of(0xab)
    expect(hex(encoder.leaf(key, 2, Uint8Array.of(1)))).toBe(hex(RLP.encode([hexPrefix([], true), Uint8Array.of(1)])))
    expect(hex(encoder.leaf(key, 1, Uint8Array.of(0x80)))).toBe(
      hex(RLP.encode([hexPrefix([0xb], true), Uint8Array.of(0x80)])),
    )
  })

  it('behavior: leaf paths of every parity and offset, values of every length class', () => {
    const encoder = new NodeEncoder()
    const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 5) & 0xff)
    for (const from of [0, 1, 2, 7, 62, 63, 64]) {
      for (const length of [1, 2, 31, 55, 56, 255, 256, 70_000]) {
        const value = Uint8Array.from({ length }, (_, i) => (i + length) & 0xff)
        const expected = RLP.encode([hexPrefix(nibblesOf(key).slice(from), true), value])
        expect(hex(encoder.leaf(key, from, value)), `from ${from} length ${length}`).toBe(hex(asRef(expected)))
      }
    }
  })

  it('behavior: extensions with hashed and inline children', () => {
    const encoder = new NodeEncoder()
    const key = Uint8Array.from({ length: 32 }, (_, i) => i)
    const hashed = keccak256(Uint8Array.of(1))
    const inline = RLP.encode([Uint8Array.of(0x20), Uint8Array.of(5)])
    for (const [from, to] of [
      [0, 1],
      [1, 2],
      [0, 7],
      [3, 40],
      [1, 64],
    ]) {
      const path = hexPrefix(nibblesOf(key).slice(from, to), false)
      expect(hex(encoder.extension(key, from, to, hashed))).toBe(hex(asRef(RLP.encode([path, hashed]))))
      // An inline child is spliced in as a list, not wrapped as a string.
      const expected = RLP.encode([path, RLP.decode(inline) as Uint8Array[]])
      expect(hex(encoder.extension(key, from, to, inline))).toBe(hex(asRef(expected)))
    }
  })

  it('behavior: branch and branchSlots encode the same node', () => {
    const encoder = new NodeEncoder()
    const hashed = keccak256(Uint8Array.of(2))
    const inline = RLP.encode([Uint8Array.of(0x31), Uint8Array.of(9)])
    const children = Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? null : i % 3 === 1 ? hashed : inline))
    const slots = new Uint8Array(16 * SLOT_SIZE)
    children.forEach((child, i) => {
      if (child === null) return
      slots[i * SLOT_SIZE] = child.length
      slots.set(child, i * SLOT_SIZE + 1)
    })
    const items = children.map((child) =>
      child === null ? new Uint8Array() : child.length === 32 ? child : (RLP.decode(child) as Uint8Array[]),
    )
    for (const value of [null, Uint8Array.of(3), new Uint8Array(100).fill(1)]) {
      const expected = hex(asRef(RLP.encode([...items, value ?? new Uint8Array()])))
      expect(hex(encoder.branch(children, value))).toBe(expected)
      expect(hex(encoder.branchSlots(slots, value))).toBe(expected)
    }
  })

  it('behavior: rootHash hashes a short root and copies a hash', () => {
    const inline = RLP.encode([Uint8Array.of(0x20), Uint8Array.of(5)])
    expect(NodeEncoder.rootHash(inline)).toEqual(keccak256(inline))
    const hash = keccak256(inline)
    const root = NodeEncoder.rootHash(hash)
    expect(root).toEqual(hash)
    expect(root).not.toBe(hash)
  })
})
