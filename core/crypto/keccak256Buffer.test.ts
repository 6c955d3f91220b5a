import { bytesToHex, utf8ToBytes } from '@ethereumjs/util'
import { describe, expect, it } from 'vitest'
import { keccak256 } from './keccak256.ts'
import { keccak256Buffer } from './keccak256Buffer.ts'

describe('keccak256Buffer', () => {
  it('default', () => {
    expect(bytesToHex(keccak256Buffer(utf8ToBytes('abc')))).toBe(
      '0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
    )
  })

  it('behavior: same digest as keccak256, as a Buffer', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)
    const digest = keccak256Buffer(data)
    expect(Buffer.isBuffer(digest)).toBe(true)
    expect(new Uint8Array(digest)).toEqual(keccak256(data))
  })
})
