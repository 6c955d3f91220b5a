import { describe, expect, it } from 'vitest'
import type { Batch, BatchBlock } from './batch.ts'
import { batchPayloadSize } from './batchPayloadSize.ts'
import { blockPayloadSize } from './blockPayloadSize.ts'
import { encodeBatchPayload } from './encodeBatchPayload.ts'
import { MAX_UINT64 } from './limits.ts'
import { prng, randomBatch, randomDeposit, randomRaw } from './testing/randomBatch.ts'

const HASH = `0x${'ab'.repeat(32)}` as const
// The summed sizes, as a batcher adding blocks one at a time keeps them.
const predicted = (batch: Batch) =>
  batchPayloadSize({
    firstBlockNumber: batch.blocks[0].number,
    blockBytes: batch.blocks.reduce((sum, block) => sum + blockPayloadSize(block), 0),
  })

describe('blockPayloadSize / batchPayloadSize', () => {
  it('default: predict the exact payload length of random batches', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const batch = randomBatch(prng(seed), { blocks: 1 + (seed % 30) })
      expect(predicted(batch), `seed ${seed}`).toBe(encodeBatchPayload(batch).length)
    }
  })

  it('behavior: exact as a batch grows block by block', () => {
    const full = randomBatch(prng(11), { blocks: 200, maxTxs: 30, largeTxs: false })
    let blockBytes = 0
    for (let n = 1; n <= full.blocks.length; n++) {
      const batch = { ...full, blocks: full.blocks.slice(0, n) }
      blockBytes += blockPayloadSize(batch.blocks[n - 1])
      const firstBlockNumber = batch.blocks[0].number
      expect(batchPayloadSize({ firstBlockNumber, blockBytes })).toBe(encodeBatchPayload(batch).length)
    }
  })

  it('behavior: exact across every header-length boundary', () => {
    const rand = prng(2)
    // Tx lengths that put each list's length on either side of 55/56, 255/256 and 65,535/65,536 bytes.
    for (const length of [1, 2, 53, 54, 55, 56, 57, 252, 253, 254, 255, 256, 65_530, 65_532, 65_533, 65_534, 65_536]) {
      for (const timestamp of [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x100n, MAX_UINT64]) {
        const l1Origin = timestamp
        const block: BatchBlock = {
          number: 1n,
          timestamp,
          l1Origin,
          deposits: [randomDeposit(rand, length)],
          transactions: [],
        }
        const batch: Batch = {
          parentHash: HASH,
          blocks: [block, { ...block, number: 2n, transactions: [randomRaw(rand, length)] }],
        }
        expect(predicted(batch), `length ${length} timestamp ${timestamp}`).toBe(encodeBatchPayload(batch).length)
      }
    }
    for (const firstBlockNumber of [1n, 0x7fn, 0x80n, 0xffffn, MAX_UINT64]) {
      const batch: Batch = {
        parentHash: HASH,
        blocks: [{ number: firstBlockNumber, timestamp: 0n, l1Origin: 0n, deposits: [], transactions: [] }],
      }
      expect(predicted(batch)).toBe(encodeBatchPayload(batch).length)
    }
  })

  it('behavior: a 1-byte tx below 0x80 is its own encoding, from 0x80 up it takes a prefix', () => {
    const size = (raw: `0x${string}`) =>
      blockPayloadSize({ number: 1n, timestamp: 0n, l1Origin: 0n, deposits: [], transactions: [raw] })
    expect(size('0x80') - size('0x7f')).toBe(1)
    expect(size('0x00')).toBe(size('0x7f'))
  })

  it('behavior: the L1 origin costs what any RLP integer does, across its length boundaries', () => {
    const size = (l1Origin: bigint) =>
      blockPayloadSize({ number: 1n, timestamp: 0n, l1Origin, deposits: [], transactions: [] })
    const cases: [bigint, number][] = [
      [0n, 1],
      [0x7fn, 1],
      [0x80n, 2],
      [0xffn, 2],
      [0x100n, 3],
      [MAX_UINT64, 9],
    ]
    for (const [l1Origin, bytes] of cases) {
      expect(size(l1Origin) - size(0n) + 1, `${l1Origin}`).toBe(bytes)
      const batch: Batch = {
        parentHash: HASH,
        blocks: [{ number: 1n, timestamp: 0n, l1Origin, deposits: [], transactions: [] }],
      }
      expect(predicted(batch)).toBe(encodeBatchPayload(batch).length)
    }
  })
})
