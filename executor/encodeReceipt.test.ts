import { encodeReceipt as ethereumjsEncodeReceipt } from '@ethereumjs/vm'
import { describe, expect, it } from 'vitest'
import { randomBytes } from '../core/batch/testing/randomBatch.ts'
import { encodeReceipt } from './encodeReceipt.ts'
import type { RawLog } from './receipt.ts'
import { prng } from './testing/differential.ts'

// Values across RLP's boundaries: a single byte below/at 0x80, 55/56-byte strings, a long length of length.
const DATA_LENGTHS = [0, 1, 2, 31, 32, 55, 56, 57, 255, 256, 300, 1024, 70_000]
const GAS = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x100n, 21_000n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n]

describe('encodeReceipt', () => {
  it('conformance: the same bytes as @ethereumjs/vm encodeReceipt for receipts of every shape', () => {
    const rand = prng(7)
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]
    for (let n = 0; n < 2_000; n++) {
      const logs: RawLog[] = Array.from({ length: Math.floor(rand() * 6) }, () => [
        randomBytes(rand, 20),
        Array.from({ length: Math.floor(rand() * 5) }, () => randomBytes(rand, 32)),
        // one-byte data below 0x80 is its own encoding; test it often
        rand() < 0.2 ? Uint8Array.of(Math.floor(rand() * 0x80)) : randomBytes(rand, pick(DATA_LENGTHS)),
      ])
      const status = rand() < 0.5 ? 0 : 1
      const gas = rand() < 0.5 ? pick(GAS) : BigInt(Math.floor(rand() * 2 ** 40))
      const bloom = rand() < 0.3 ? new Uint8Array(256) : randomBytes(rand, 256)
      const txType = pick([0, 1, 2, 3, 4])
      const ours = encodeReceipt(status, gas, bloom, logs, txType)
      const theirs = ethereumjsEncodeReceipt(
        { status, cumulativeBlockGasUsed: gas, bitvector: bloom, logs } as never,
        txType as never,
      )
      // compared as hex only on a mismatch: a deep equal of 70,000-byte arrays element by element is slow
      if (!Buffer.from(ours).equals(Buffer.from(theirs)))
        expect(Buffer.from(ours).toString('hex'), `case ${n}: status ${status} gas ${gas} type ${txType}`).toBe(
          Buffer.from(theirs).toString('hex'),
        )
    }
  })

  it('shape: a one-log ERC-20 Transfer receipt of a type-2 tx starts with the type, then a long list', () => {
    const log: RawLog = [
      new Uint8Array(20).fill(1),
      [1, 2, 3].map((b) => new Uint8Array(32).fill(b)),
      new Uint8Array(32),
    ]
    const out = encodeReceipt(1, 51_234n, new Uint8Array(256), [log], 2)
    expect(out[0]).toBe(2)
    expect(out[1]).toBe(0xf9) // list with a 2-byte length: the bloom alone is 259 bytes
    // type, list header, then status 1 + gas 3 + bloom 259 + logs (header 2 + log: header 2, address 21,
    // topics header 2 + 99, data 33)
    expect(out.length).toBe(1 + 3 + (1 + 3 + 259 + (2 + (2 + 21 + (2 + 99) + 33))))
  })
})
