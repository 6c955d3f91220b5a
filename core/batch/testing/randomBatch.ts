import type { Hex } from 'viem'
import { type Batch, type BatchBlock, DEPOSIT_TX_TYPE } from '../batch.ts'

/** mulberry32: a small seeded PRNG, so every generated case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** `length` random bytes from `rand`. */
export function randomBytes(rand: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = Math.floor(rand() * 256)
  return out
}

const hex = (bytes: Uint8Array): Hex => `0x${Buffer.from(bytes).toString('hex')}`

// Tx lengths around every RLP header boundary (single byte, 55/56, 255/256), plus typical and large sizes.
const LENGTHS = [1, 1, 2, 55, 56, 57, 110, 118, 255, 256, 257, 1_000, 70_000]

/**
 * A random raw tx; a 1-byte one is below 0x80 half the time, to hit RLP's single-byte form. Never starts
 * with 0x7e (the deposit type, which the codec refuses among transactions).
 */
export function randomRaw(rand: () => number, length = LENGTHS[Math.floor(rand() * LENGTHS.length)]): Hex {
  const bytes = randomBytes(rand, length)
  if (length === 1 && rand() < 0.5) bytes[0] &= 0x7f
  if (bytes[0] === DEPOSIT_TX_TYPE) bytes[0] ^= 0x01
  return hex(bytes)
}

/** A random deposit: 0x7e and random bytes, `length` in all (a 1-byte one is just 0x7e, RLP's single-byte form). */
export function randomDeposit(rand: () => number, length = LENGTHS[Math.floor(rand() * LENGTHS.length)]): Hex {
  const bytes = randomBytes(rand, length)
  bytes[0] = DEPOSIT_TX_TYPE
  return hex(bytes)
}

/** Parameters for {@link randomBatch}. */
export type RandomBatchParameters = { blocks?: number; maxTxs?: number; largeTxs?: boolean }

/** A valid random batch: empty blocks, deposits, equal and rising timestamps and L1 origins, txs of awkward sizes. */
export function randomBatch(
  rand: () => number,
  { blocks = 20, maxTxs = 8, largeTxs = true }: RandomBatchParameters = {},
): Batch {
  const first = 1n + BigInt(Math.floor(rand() * 2 ** 40))
  let timestamp = BigInt(Math.floor(rand() * 2 ** 32))
  // From 0 (a single byte, 0x80) through multi-byte values.
  let l1Origin = rand() < 0.1 ? 0n : BigInt(Math.floor(rand() * 2 ** 32))
  const length = () => (largeTxs ? undefined : 1 + Math.floor(rand() * 300))
  const raw = () => randomRaw(rand, length())
  const deposit = () => randomDeposit(rand, length())
  const list: BatchBlock[] = []
  for (let i = 0; i < blocks; i++) {
    timestamp += BigInt(Math.floor(rand() * 3)) // 0 too: timestamps need only not decrease
    if (rand() < 0.3) l1Origin += BigInt(1 + Math.floor(rand() * 3)) // L1 origins likewise, and move less often
    const empty = rand() < 0.2
    list.push({
      number: first + BigInt(i),
      timestamp,
      l1Origin,
      deposits: empty || rand() < 0.7 ? [] : Array.from({ length: 1 + Math.floor(rand() * 3) }, deposit),
      transactions: empty ? [] : Array.from({ length: Math.floor(rand() * (maxTxs + 1)) }, raw),
    })
  }
  return { parentHash: hex(randomBytes(rand, 32)), blocks: list }
}
