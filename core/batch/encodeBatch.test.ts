import { describe, expect, it } from 'vitest'
import type { Batch, BatchBlock } from './batch.ts'
import { decodeBatch } from './decodeBatch.ts'
import { encodeBatch } from './encodeBatch.ts'
import { encodeBatchPayload } from './encodeBatchPayload.ts'
import { BatchEncodeError, type BatchEncodeReason } from './errors.ts'
import { DEFAULT_BATCH_LIMITS, MAX_UINT64 } from './limits.ts'
import { prng, randomBatch, randomRaw } from './testing/randomBatch.ts'

const HASH = `0x${'ab'.repeat(32)}` as const
const block = (
  number: bigint,
  timestamp = 1_000n,
  transactions: `0x${string}`[] = ['0x01'],
  l1Origin = 3n,
  deposits: `0x${string}`[] = [],
): BatchBlock => ({ number, timestamp, l1Origin, deposits, transactions })

const encodeError = (batch: Batch, options?: Parameters<typeof encodeBatch>[1]): BatchEncodeError => {
  try {
    encodeBatch(batch, options)
  } catch (err) {
    expect(err).toBeInstanceOf(BatchEncodeError)
    return err as BatchEncodeError
  }
  throw new Error('encodeBatch accepted the batch')
}

describe('encodeBatch', () => {
  it('default: round-trips random batches', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const batch = randomBatch(prng(seed))
      expect(decodeBatch(encodeBatch(batch)), `seed ${seed}`).toEqual(batch)
    }
  })

  it('behavior: round-trips many blocks, all empty or all full', () => {
    const rand = prng(99)
    const empty: Batch = {
      parentHash: HASH,
      blocks: Array.from({ length: 5_000 }, (_, i) => ({ ...block(1n + BigInt(i), 2n * BigInt(i), []) })),
    }
    expect(decodeBatch(encodeBatch(empty))).toEqual(empty)
    const full = randomBatch(rand, { blocks: 300, maxTxs: 40, largeTxs: false })
    expect(decodeBatch(encodeBatch(full))).toEqual(full)
  })

  it('behavior: round-trips large txs, 1-byte txs and the uint64 extremes', () => {
    const rand = prng(5)
    const batch: Batch = {
      parentHash: HASH,
      blocks: [
        block(MAX_UINT64 - 1n, 0n, ['0x00', '0x7f', '0x80', '0xff'], 0n, ['0x7e']),
        block(MAX_UINT64, MAX_UINT64, [randomRaw(rand, 1_000_000)], MAX_UINT64),
      ],
    }
    expect(decodeBatch(encodeBatch(batch))).toEqual(batch)
  })

  it('behavior: every quality decodes to the same batch', () => {
    const batch = randomBatch(prng(3))
    for (const quality of [0, 5, 11]) expect(decodeBatch(encodeBatch(batch, { quality }))).toEqual(batch)
  })

  it('behavior: uppercase hex is accepted and decodes lowercase', () => {
    const batch: Batch = { parentHash: HASH, blocks: [block(1n, 1n, ['0xABCD'], 1n, ['0x7Eab'])] }
    expect(decodeBatch(encodeBatch(batch)).blocks[0]).toMatchObject({ deposits: ['0x7eab'], transactions: ['0xabcd'] })
  })

  it.each<[BatchEncodeReason, string | undefined, Batch]>([
    ['no blocks', undefined, { parentHash: HASH, blocks: [] }],
    ['bad parent hash', 'parentHash', { parentHash: '0x1234', blocks: [block(1n)] }],
    ['bad parent hash', 'parentHash', { parentHash: `0x${'zz'.repeat(32)}`, blocks: [block(1n)] }],
    ['zero block number', 'blocks[0].number', { parentHash: HASH, blocks: [block(0n)] }],
    ['integer out of range', 'blocks[0].number', { parentHash: HASH, blocks: [block(-1n)] }],
    ['integer out of range', 'blocks[0].number', { parentHash: HASH, blocks: [block(MAX_UINT64 + 1n)] }],
    [
      'integer out of range',
      'blocks[1].number',
      { parentHash: HASH, blocks: [block(MAX_UINT64), block(MAX_UINT64 + 1n)] },
    ],
    ['block number gap', 'blocks[1].number', { parentHash: HASH, blocks: [block(1n), block(3n)] }],
    ['block number gap', 'blocks[1].number', { parentHash: HASH, blocks: [block(2n), block(1n)] }],
    ['integer out of range', 'blocks[0].timestamp', { parentHash: HASH, blocks: [block(1n, -1n)] }],
    ['integer out of range', 'blocks[0].timestamp', { parentHash: HASH, blocks: [block(1n, MAX_UINT64 + 1n)] }],
    ['timestamp decreasing', 'blocks[1].timestamp', { parentHash: HASH, blocks: [block(1n, 5n), block(2n, 4n)] }],
    ['integer out of range', 'blocks[0].l1Origin', { parentHash: HASH, blocks: [block(1n, 1n, [], -1n)] }],
    [
      'integer out of range',
      'blocks[1].l1Origin',
      { parentHash: HASH, blocks: [block(1n), { ...block(2n), l1Origin: undefined as unknown as bigint }] },
    ],
    ['integer out of range', 'blocks[0].l1Origin', { parentHash: HASH, blocks: [block(1n, 1n, [], MAX_UINT64 + 1n)] }],
    [
      'l1 origin decreasing',
      'blocks[2].l1Origin',
      { parentHash: HASH, blocks: [block(1n, 1n, [], 5n), block(2n, 1n, [], 5n), block(3n, 1n, [], 4n)] },
    ],
    ['empty transaction', 'blocks[0].transactions[1]', { parentHash: HASH, blocks: [block(1n, 1n, ['0x01', '0x'])] }],
    ['invalid hex', 'blocks[0].transactions[0]', { parentHash: HASH, blocks: [block(1n, 1n, ['0x123'])] }],
    [
      'invalid hex',
      'blocks[0].transactions[0]',
      { parentHash: HASH, blocks: [block(1n, 1n, ['12' as `0x${string}`])] },
    ],
    ['empty transaction', 'blocks[0].deposits[0]', { parentHash: HASH, blocks: [block(1n, 0n, [], 0n, ['0x'])] }],
    ['invalid hex', 'blocks[0].deposits[0]', { parentHash: HASH, blocks: [block(1n, 0n, [], 0n, ['0x7e0'])] }],
    ['bad deposit', 'blocks[0].deposits[1]', { parentHash: HASH, blocks: [block(1n, 0n, [], 0n, ['0x7e', '0x02'])] }],
    ['bad deposit', 'blocks[0].deposits[0]', { parentHash: HASH, blocks: [block(1n, 0n, [], 0n, ['0xe7'])] }],
    [
      'deposit among transactions',
      'blocks[0].transactions[1]',
      { parentHash: HASH, blocks: [block(1n, 0n, ['0x02', '0x7e01'])] },
    ],
    [
      'deposit among transactions',
      'blocks[0].transactions[0]',
      { parentHash: HASH, blocks: [block(1n, 0n, ['0x7E'])] },
    ],
  ])('error: %s at %s', (reason, path, batch) => {
    const err = encodeError(batch)
    expect(err.reason).toBe(reason)
    expect(err.path).toBe(path)
  })

  it('error: too many blocks, too many transactions, too large (the decoder limits)', () => {
    const blocks = Array.from({ length: DEFAULT_BATCH_LIMITS.maxBlocks + 1 }, (_, i) => block(1n + BigInt(i), 0n, []))
    expect(encodeError({ parentHash: HASH, blocks }).reason).toBe('too many blocks')
    const txs = new Array<`0x${string}`>(DEFAULT_BATCH_LIMITS.maxTransactions + 1).fill('0x01')
    expect(encodeError({ parentHash: HASH, blocks: [block(1n, 0n, txs)] }).reason).toBe('too many transactions')
    const big = `0x${'00'.repeat(DEFAULT_BATCH_LIMITS.maxDecompressedBytes)}` as const
    expect(encodeError({ parentHash: HASH, blocks: [block(1n, 0n, [big])] }).reason).toBe('too large')
  })

  it('error: invalid quality', () => {
    for (const quality of [-1, 12, 1.5])
      expect(encodeError(randomBatch(prng(1)), { quality }).reason).toBe('invalid quality')
  })

  it('behavior: encodeBatchPayload validates too', () => {
    expect(() => encodeBatchPayload({ parentHash: HASH, blocks: [] })).toThrow(BatchEncodeError)
  })
})
