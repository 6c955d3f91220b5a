import { describe, expect, it } from 'vitest'
import { EMPTY_TRIE_ROOT, KECCAK_EMPTY } from './constants.ts'
import { keccak256 } from './keccak256.ts'

describe('constants', () => {
  it('default', () => {
    expect(EMPTY_TRIE_ROOT).toEqual(keccak256(Uint8Array.of(0x80)))
    expect(KECCAK_EMPTY).toEqual(keccak256(new Uint8Array()))
  })

  it('behavior: both are 32-byte plain Uint8Arrays', () => {
    for (const constant of [EMPTY_TRIE_ROOT, KECCAK_EMPTY]) {
      expect(constant.length).toBe(32)
      expect(Buffer.isBuffer(constant)).toBe(false)
    }
  })
})
