import { RLP } from '@ethereumjs/rlp'
import { describe, expect, it } from 'vitest'
import { EMPTY_TRIE_ROOT } from '../crypto/constants.ts'
import { keccak256 } from '../crypto/keccak256.ts'
import { hashSorted } from './hashSorted.ts'

describe('hashSorted', () => {
  it('default', () => {
    // One key: the root is the hash of a lone leaf holding the whole key as its path.
    const key = Uint8Array.of(0x12, 0x34)
    const value = Uint8Array.of(0x56)
    expect(hashSorted([key], [value])).toEqual(keccak256(RLP.encode([Uint8Array.of(0x20, 0x12, 0x34), value])))
  })

  it('behavior: no keys give the empty root (as a fresh copy)', () => {
    const root = hashSorted([], [])
    expect(root).toEqual(EMPTY_TRIE_ROOT)
    expect(root).not.toBe(EMPTY_TRIE_ROOT)
  })

  it('behavior: a key ending where others branch becomes the branch value', () => {
    // Keys 0x12 and 0x1234: extension [1,2] -> branch (value 0xaa) with leaf [4] at slot 3.
    const short = Uint8Array.of(0x12)
    const long = Uint8Array.of(0x12, 0x34)
    const leaf = RLP.encode([Uint8Array.of(0x34), Uint8Array.of(0xbb)]) // odd leaf path [4]: 0x3_ flag
    const branch = RLP.encode([
      ...Array.from({ length: 16 }, (_, i) => (i === 3 ? RLP.decode(leaf) : new Uint8Array())),
      Uint8Array.of(0xaa),
    ] as Uint8Array[])
    const extension = RLP.encode([
      Uint8Array.of(0x00, 0x12),
      branch.length < 32 ? RLP.decode(branch) : keccak256(branch),
    ])
    expect(hashSorted([short, long], [Uint8Array.of(0xaa), Uint8Array.of(0xbb)])).toEqual(keccak256(extension))
  })
})
