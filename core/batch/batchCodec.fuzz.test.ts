import zlib from 'node:zlib'
import fc from 'fast-check'
import { bytesToHex, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import type { Batch, BatchBlock } from './batch.ts'
import { decodeBatch } from './decodeBatch.ts'
import { decodeBatchPayload } from './decodeBatchPayload.ts'
import { encodeBatch } from './encodeBatch.ts'
import { encodeBatchPayload } from './encodeBatchPayload.ts'
import { BatchDecodeError } from './errors.ts'
import { MAX_UINT64 } from './limits.ts'
import { applyMutation, mutationArbitrary } from './testing/rlpMutations.ts'

// decodeBatch.fuzz.test.ts throws random bytes and byte-level edits at the decoder. This file adds what it
// lacks: batches built by fast-check (so a failure shrinks to a minimal batch) and edits that understand
// RLP (lengths that lie, non-canonical long forms, wrapped single bytes, leading zeros), which is where a
// decoder accepting a second spelling of a batch would hide.
// CI: a fixed seed and about two thousand cases. Long mode: FUZZ_RUNS=100000 (FUZZ_SEED=n for another seed).
const RUNS = Number(process.env.FUZZ_RUNS ?? 0)
const params = (ciRuns: number): fc.Parameters<unknown> => ({
  numRuns: RUNS || ciRuns,
  seed: Number(process.env.FUZZ_SEED ?? 7_700_002),
})
const TIMEOUT = RUNS ? 24 * 3600_000 : undefined

const hex = (bytes: Uint8Array): Hex => bytesToHex(bytes)
/** A raw tx: any bytes but the deposit type first; lengths across RLP's 1-byte, short and long forms. */
const rawTx = fc
  .uint8Array({ minLength: 1, maxLength: 120 })
  .filter((b) => b[0] !== 0x7e)
  .map(hex)
const deposit = fc.uint8Array({ maxLength: 80 }).map((b) => hex(Uint8Array.from([0x7e, ...b])))
/** A uint64 biased to RLP's edges: 0 (the empty string), values around 0x80 (a byte vs a string), byte widths. */
const uint64Near = (max: bigint) =>
  fc.oneof(fc.constantFrom(0n, 1n, 0x7fn, 0x80n, 0xffn, 0x100n), fc.bigInt({ min: 0n, max }))

/** A valid batch: consecutive numbers, non-decreasing timestamps and L1 origins, all within uint64. */
const batchArbitrary: fc.Arbitrary<Batch> = fc
  .record({
    parentHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map(hex),
    first: uint64Near(MAX_UINT64 - 16n).map((n) => n + 1n),
    timestamp: uint64Near(MAX_UINT64 - 64n),
    l1Origin: uint64Near(MAX_UINT64 - 64n),
    blocks: fc.array(
      fc.record({
        dt: fc.bigInt({ min: 0n, max: 3n }),
        dl1: fc.bigInt({ min: 0n, max: 3n }),
        deposits: fc.array(deposit, { maxLength: 2 }),
        transactions: fc.array(rawTx, { maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map(({ parentHash, first, timestamp, l1Origin, blocks }) => {
    let t = timestamp
    let l1 = l1Origin
    const list: BatchBlock[] = blocks.map((b, i) => {
      t += b.dt
      l1 += b.dl1
      return {
        number: first + BigInt(i),
        timestamp: t,
        l1Origin: l1,
        deposits: b.deposits,
        transactions: b.transactions,
      }
    })
    return { parentHash, blocks: list }
  })

/** Runs `decode`; anything thrown but a BatchDecodeError fails with the input to replay. */
function outcome(decode: () => Batch, input: Uint8Array): Batch | BatchDecodeError {
  try {
    return decode()
  } catch (err) {
    if (!(err instanceof BatchDecodeError)) expect.fail(`${String(err)} for input ${bytesToHex(input)}`)
    return err
  }
}

describe('batch codec fuzz (fast-check)', () => {
  it(
    'behavior: every valid batch round-trips through the payload and the posted (brotli) form',
    () => {
      fc.assert(
        fc.property(batchArbitrary, (batch) => {
          const payload = encodeBatchPayload(batch)
          expect(decodeBatchPayload(payload)).toEqual(batch)
          expect(decodeBatch(encodeBatch(batch, { quality: 1 }))).toEqual(batch)
        }),
        params(500),
      )
    },
    TIMEOUT,
  )

  it(
    'behavior: RLP-aware and byte edits of a payload give a BatchDecodeError or a batch that re-encodes to the same bytes',
    () => {
      let accepted = 0
      fc.assert(
        fc.property(batchArbitrary, fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), (batch, edits) => {
          const input = edits.reduce((bytes, m) => applyMutation(bytes, m), encodeBatchPayload(batch))
          const result = outcome(() => decodeBatchPayload(input), input)
          if (result instanceof BatchDecodeError) return
          // One encoding per batch: whatever decodes is exactly the canonical encoding of what it decoded to.
          expect(bytesToHex(encodeBatchPayload(result)), bytesToHex(input)).toBe(bytesToHex(input))
          accepted++
        }),
        params(1500),
      )
      expect(accepted).toBeGreaterThan(0) // edits inside a tx's bytes keep the batch valid: acceptance ran
    },
    TIMEOUT,
  )

  it(
    'behavior: edited payloads behind the version byte and brotli decode the same way as bare payloads',
    () => {
      fc.assert(
        fc.property(batchArbitrary, mutationArbitrary, (batch, edit) => {
          const payload = applyMutation(encodeBatchPayload(batch), edit)
          const posted = Uint8Array.from([0, ...zlib.brotliCompressSync(payload)])
          const bare = outcome(() => decodeBatchPayload(payload), payload)
          const viaL1 = outcome(() => decodeBatch(posted), posted)
          if (bare instanceof BatchDecodeError) expect(viaL1).toBeInstanceOf(BatchDecodeError)
          else expect(viaL1).toEqual(bare)
        }),
        params(300),
      )
    },
    TIMEOUT,
  )
})
