import { bytesToHex, utf8ToBytes } from '@ethereumjs/util'
import createKeccakHash from 'keccak'
import { beforeAll, describe, expect, it } from 'vitest'
import { fallbackKeccak256, keccak256, keccakWasmReady } from './keccak256.ts'

// The `keccak` package's stream API (native), an independent reference for the WebAssembly hasher and the fallback.
const reference = (data: Uint8Array) => createKeccakHash('keccak256').update(Buffer.from(data)).digest()

describe('keccak256', () => {
  beforeAll(async () => {
    // Every case below then runs on the WebAssembly hasher, the one a running node uses.
    expect(await keccakWasmReady).toBe(true)
  })

  it('default', () => {
    expect(bytesToHex(keccak256(utf8ToBytes('abc')))).toBe(
      '0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
    )
  })

  it('behavior: empty input gives the well-known empty hash', () => {
    expect(bytesToHex(keccak256(new Uint8Array()))).toBe(
      '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    )
  })

  it('behavior: returns a plain 32-byte Uint8Array, not a Buffer', () => {
    const hash = keccak256(utf8ToBytes('abc'))
    expect(hash.length).toBe(32)
    expect(Buffer.isBuffer(hash)).toBe(false)
    expect(hash).toEqual(new Uint8Array(reference(utf8ToBytes('abc'))))
  })

  it('behavior: matches the stream API for every length around the 136-byte block boundaries', () => {
    for (let length = 0; length <= 3 * 136 + 2; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff)
      expect(bytesToHex(keccak256(data)), `length ${length}`).toBe(bytesToHex(reference(data)))
    }
  })

  it('behavior: matches the stream API on inputs larger than the 16 KB window', () => {
    for (const length of [16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 100_000]) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 7 + 3) & 0xff)
      expect(bytesToHex(keccak256(data)), `length ${length}`).toBe(bytesToHex(reference(data)))
    }
  })

  it('behavior: the fallback (used until the WebAssembly module is compiled) gives the same digests', () => {
    for (let length = 0; length <= 300; length += 7) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 13 + length) & 0xff)
      expect(bytesToHex(fallbackKeccak256(data)), `length ${length}`).toBe(bytesToHex(reference(data)))
    }
  })

  it('behavior: hashes only the viewed bytes of a subarray or Buffer', () => {
    const backing = Uint8Array.from({ length: 100 }, (_, i) => i)
    const view = backing.subarray(10, 60)
    expect(keccak256(view)).toEqual(keccak256(backing.slice(10, 60)))
    expect(keccak256(Buffer.from(view))).toEqual(keccak256(backing.slice(10, 60)))
  })

  it('behavior: successive results are independent arrays', () => {
    const a = keccak256(utf8ToBytes('a'))
    const copy = a.slice()
    keccak256(utf8ToBytes('b'))
    expect(a).toEqual(copy)
    expect(a.buffer).not.toBe(keccak256(utf8ToBytes('a')).buffer)
  })
})
