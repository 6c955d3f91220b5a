import { RLP } from '@ethereumjs/rlp'
import { bigIntToUnpaddedBytes, KECCAK256_NULL, KECCAK256_RLP } from '@ethereumjs/util'
import { describe, expect, it } from 'vitest'
import { randomBytes } from '../../core/batch/testing/randomBatch.ts'
import { prng } from '../testing/differential.ts'
import { encodeAccount } from './worldState.ts'

/** The account leaf as ethereumjs's generic RLP encoder writes it. */
const reference = (a: Parameters<typeof encodeAccount>[0]) =>
  RLP.encode([bigIntToUnpaddedBytes(a.nonce), bigIntToUnpaddedBytes(a.balance), a.storageRoot, a.codeHash])

// values at the byte-length and Number-precision boundaries
const EDGES = [
  0n,
  1n,
  0x7fn,
  0x80n,
  0xffn,
  0x100n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 53n + 1n,
  2n ** 64n - 1n,
  2n ** 64n,
  2n ** 256n - 1n,
]

describe('encodeAccount', () => {
  it('default', () => {
    const a = { nonce: 0n, balance: 0n, storageRoot: KECCAK256_RLP, codeHash: KECCAK256_NULL }
    expect(encodeAccount(a)).toEqual(reference(a))
  })

  it('behavior: equals the generic RLP encoding for nonces and balances across the length boundaries and random ones', () => {
    const rand = prng(31)
    const values = [...EDGES]
    for (let i = 0; i < 300; i++)
      values.push(BigInt(`0x0${Buffer.from(randomBytes(rand, 1 + Math.floor(rand() * 32))).toString('hex')}`))
    for (const nonce of EDGES)
      for (const balance of values) {
        const a = { nonce, balance, storageRoot: randomBytes(rand, 32), codeHash: randomBytes(rand, 32) }
        expect(encodeAccount(a), `${nonce} ${balance}`).toEqual(reference(a))
      }
  })
})
