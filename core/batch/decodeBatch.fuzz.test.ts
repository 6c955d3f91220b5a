import zlib from 'node:zlib'
import { bytesToHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { decodeBatch } from './decodeBatch.ts'
import { decodeBatchPayload } from './decodeBatchPayload.ts'
import { encodeBatch } from './encodeBatch.ts'
import { encodeBatchPayload } from './encodeBatchPayload.ts'
import { BatchDecodeError } from './errors.ts'
import { prng, randomBatch, randomBytes } from './testing/randomBatch.ts'

// Fixed seed in CI; BATCH_FUZZ_SEED=n BATCH_FUZZ_ITERATIONS=n for other runs.
const SEED = Number(process.env.BATCH_FUZZ_SEED ?? 20_240_601)
const ITERATIONS = Number(process.env.BATCH_FUZZ_ITERATIONS ?? 10_000)

/** Flips, overwrites, inserts, deletes or truncates a few bytes. */
function mutate(rand: () => number, input: Uint8Array): Uint8Array {
  let bytes = Uint8Array.from(input)
  const edits = 1 + Math.floor(rand() * 3)
  for (let e = 0; e < edits && bytes.length > 0; e++) {
    const at = Math.floor(rand() * bytes.length)
    const kind = Math.floor(rand() * 5)
    if (kind === 0) bytes[at] ^= 1 << Math.floor(rand() * 8)
    else if (kind === 1) bytes[at] = Math.floor(rand() * 256)
    else if (kind === 2)
      bytes = Uint8Array.from([...bytes.subarray(0, at), Math.floor(rand() * 256), ...bytes.subarray(at)])
    else if (kind === 3) bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)])
    else bytes = bytes.slice(0, at)
  }
  return bytes
}

// Runs `decode`; anything thrown but a BatchDecodeError fails the test with the input to replay.
function outcome<T>(decode: () => T, input: Uint8Array): T | BatchDecodeError {
  try {
    return decode()
  } catch (err) {
    if (!(err instanceof BatchDecodeError)) expect.fail(`${String(err)} for input ${bytesToHex(input)}`)
    return err
  }
}

describe('decodeBatch fuzz', () => {
  it(`behavior: ${ITERATIONS} random and mutated inputs throw only BatchDecodeError, and what decodes is canonical`, () => {
    const rand = prng(SEED)
    const counts = { random: 0, posted: 0, payload: 0, accepted: 0 }
    for (let i = 0; i < ITERATIONS; i++) {
      const batch = randomBatch(rand, { blocks: 1 + Math.floor(rand() * 4), maxTxs: 3, largeTxs: false })
      const kind = i % 10
      if (kind < 3) {
        // Random bytes, mostly behind the right version byte so that brotli sees them.
        const input = randomBytes(rand, Math.floor(rand() * 200))
        if (input.length > 0 && rand() < 0.8) input[0] = 0
        outcome(() => decodeBatch(input), input)
        counts.random++
      } else if (kind < 6) {
        // The posted bytes, mutated: mostly corrupt brotli, sometimes a different but valid payload.
        const input = mutate(rand, encodeBatch(batch, { quality: 1 }))
        const result = outcome(() => decodeBatch(input), input)
        if (!(result instanceof BatchDecodeError)) counts.accepted++
        counts.posted++
      } else {
        // The payload, mutated: exercises the RLP and shape rules, through brotli one time in four.
        const input = mutate(rand, encodeBatchPayload(batch))
        const result =
          kind === 6
            ? outcome(() => decodeBatch(Uint8Array.from([0, ...zlib.brotliCompressSync(input)])), input)
            : outcome(() => decodeBatchPayload(input), input)
        if (!(result instanceof BatchDecodeError)) {
          // One encoding per batch: whatever decodes re-encodes to exactly the same bytes.
          expect(bytesToHex(encodeBatchPayload(result)), bytesToHex(input)).toBe(bytesToHex(input))
          counts.accepted++
        }
        counts.payload++
      }
    }
    expect(counts.accepted).toBeGreaterThan(0) // some mutations were valid batches, so acceptance was exercised
  })
})
