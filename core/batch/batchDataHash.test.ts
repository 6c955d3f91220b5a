import { keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { batchDataHash } from './batchDataHash.ts'
import { encodeBatch } from './encodeBatch.ts'
import { prng, randomBatch } from './testing/randomBatch.ts'

describe('batchDataHash', () => {
  it('default: keccak256 of the exact posted bytes', () => {
    const data = encodeBatch(randomBatch(prng(1)))
    expect(batchDataHash(data)).toBe(keccak256(data))
  })

  it('behavior: empty data hashes to keccak256 of nothing', () => {
    expect(batchDataHash(new Uint8Array())).toBe('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470')
  })
})
