import zlib from 'node:zlib'
import { RLP } from '@ethereumjs/rlp'
import { bytesToHex, concat, type Hex, hexToBytes, numberToHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { decodeBatch } from './decodeBatch.ts'
import { encodeBatch } from './encodeBatch.ts'
import { encodeBatchPayload } from './encodeBatchPayload.ts'
import { BatchDecodeError, type BatchDecodeReason } from './errors.ts'
import { MAX_UINT64 } from './limits.ts'
import { prng, randomBatch } from './testing/randomBatch.ts'

// 203 bytes of brotli that inflate to 256 MiB of zeros (quality 5, 16 MiB window).
const BOMB = Buffer.from(
  'z///fwAkAOKxQHLv//n//w+ABEAcFoDu/T////8BkACIwwLQvf/n//8/ABIAcVgAuvf//P//B0ACIA4LQPf+n////wBIAMRhAeje//P//x8ACYA4LADd+3/+//8DIAEQhwWge//P//9/ACQA4rAAdO//+f//D4AEQBwWgO79P////wGQAIjDAtC9/+f//z8AEgBxWAC69//8//8HQAIgDgtA9/6f////AEgAxGEB6N7/8///HwAJgDgsAN37//z//wcgARCHBaB7/w8=',
  'base64',
)

const post = (payload: Uint8Array | Hex): Uint8Array => {
  const bytes = typeof payload === 'string' ? hexToBytes(payload) : payload
  return concat([Uint8Array.of(0), zlib.brotliCompressSync(bytes)])
}
// An RLP header for a string (0x80) or list (0xc0) payload of `length` bytes.
const header = (base: 0x80 | 0xc0, length: number): Uint8Array => {
  if (length < 56) return Uint8Array.of(base + length)
  const lengthBytes = hexToBytes(numberToHex(length)) // viem pads an odd digit count
  return Uint8Array.of(base + 55 + lengthBytes.length, ...lengthBytes)
}
// A list around already-encoded items, so that tests can put non-canonical or misshapen items inside.
const list = (...items: Hex[]): Hex => {
  const body = concat(['0x', ...items])
  return concat([bytesToHex(header(0xc0, (body.length - 2) / 2)), body])
}
const rlp = (value: Parameters<typeof RLP.encode>[0]): Hex => bytesToHex(RLP.encode(value))

const HASH = rlp(new Uint8Array(32).fill(0xab))
const ONE = rlp(1)
const TX = rlp(hexToBytes('0x02c0ffee'))
const DEPOSIT = rlp(hexToBytes('0x7ec0ffee'))
const ORIGIN = rlp(9)
const okBlock = (timestamp: Hex = rlp(1_000), txs: Hex[] = [TX], deposits: Hex[] = [], l1Origin: Hex = ORIGIN) =>
  list(timestamp, l1Origin, list(...deposits), list(...txs))
const payloadOf = (...blocks: Hex[]) => list(HASH, ONE, list(...blocks))

const decodeError = (data: Uint8Array | Hex, options?: Parameters<typeof decodeBatch>[1]): BatchDecodeError => {
  try {
    decodeBatch(data, options)
  } catch (err) {
    expect(err).toBeInstanceOf(BatchDecodeError)
    return err as BatchDecodeError
  }
  throw new Error('decodeBatch accepted the data')
}

describe('decodeBatch', () => {
  it('default: decodes a hand-built payload', () => {
    const batch = decodeBatch(post(payloadOf(okBlock(), okBlock(rlp(1_001), [], [DEPOSIT], rlp(300)))))
    expect(batch).toEqual({
      parentHash: `0x${'ab'.repeat(32)}`,
      blocks: [
        { number: 1n, timestamp: 1_000n, l1Origin: 9n, deposits: [], transactions: ['0x02c0ffee'] },
        { number: 2n, timestamp: 1_001n, l1Origin: 300n, deposits: ['0x7ec0ffee'], transactions: [] },
      ],
    })
  })

  it('behavior: accepts hex and bytes alike, and Buffers', () => {
    const data = encodeBatch(randomBatch(prng(4)))
    expect(decodeBatch(bytesToHex(data))).toEqual(decodeBatch(data))
    expect(decodeBatch(Buffer.from(data))).toEqual(decodeBatch(data))
  })

  it.each<[string, BatchDecodeReason, Uint8Array | Hex, string?]>([
    ['odd hex', 'invalid hex', '0x001'],
    ['no 0x', 'invalid hex', '00' as Hex],
    ['non-hex digits', 'invalid hex', '0x00zz'],
    ['empty bytes', 'empty input', new Uint8Array()],
    ['empty hex', 'empty input', '0x'],
    ['version 1', 'unknown version', concat([Uint8Array.of(1), post(payloadOf(okBlock())).subarray(1)])],
    ['version byte only', 'corrupt brotli', Uint8Array.of(0)],
    ['junk after the version', 'corrupt brotli', Uint8Array.of(0, 1, 2, 3, 4, 5)],
    ['truncated brotli', 'corrupt brotli', post(payloadOf(okBlock())).subarray(0, -2)],
    [
      'bytes after the brotli stream',
      'bytes after brotli stream',
      concat([post(payloadOf(okBlock())), Uint8Array.of(0)]),
    ],
    [
      'a second brotli stream',
      'bytes after brotli stream',
      concat([post(payloadOf(okBlock())), post('0xc0').subarray(1)]),
    ],
    ['brotli of nothing', 'invalid rlp', post('0x'), 'batch'],
    ['non-canonical RLP at the top', 'invalid rlp', post('0x817f'), 'batch'],
    ['truncated RLP', 'invalid rlp', post(`0xf9ffff${'00'.repeat(8)}`), 'batch'],
    [
      'prefixed single byte in a tx',
      'invalid rlp',
      post(payloadOf(okBlock(rlp(1), ['0x8101']))),
      'blocks[0].transactions[0]',
    ],
    [
      'long form for a short tx',
      'invalid rlp',
      post(payloadOf(okBlock(rlp(1), ['0xb80401020304']))),
      'blocks[0].transactions[0]',
    ],
    ['trailing bytes after the RLP', 'trailing bytes', post(concat([payloadOf(okBlock()), '0x00'])), 'batch'],
    ['batch is bytes', 'wrong shape', post(rlp(hexToBytes(HASH))), 'batch'],
    ['two fields', 'wrong shape', post(list(HASH, ONE)), 'blocks'],
    ['four fields', 'wrong shape', post(list(HASH, ONE, list(okBlock()), ONE)), 'batch'],
    ['parent hash is a list', 'wrong shape', post(list(list(), ONE, list(okBlock()))), 'parentHash'],
    ['block number is a list', 'wrong shape', post(list(HASH, list(), list(okBlock()))), 'firstBlockNumber'],
    ['blocks is bytes', 'wrong shape', post(list(HASH, ONE, ONE)), 'blocks'],
    ['block is bytes', 'wrong shape', post(payloadOf(ONE)), 'blocks[0]'],
    ['block has three fields', 'wrong shape', post(payloadOf(list(ONE, ONE, list()))), 'blocks[0].transactions'],
    // The v0 layout before L1 origins: the deposits list lands where l1Origin belongs.
    ['block without l1Origin', 'wrong shape', post(payloadOf(list(ONE, list(), list()))), 'blocks[0].l1Origin'],
    ['block has five fields', 'wrong shape', post(payloadOf(list(ONE, ONE, list(), list(), list()))), 'blocks[0]'],
    ['timestamp is a list', 'wrong shape', post(payloadOf(list(list(), ONE, list(), list()))), 'blocks[0].timestamp'],
    ['l1Origin is a list', 'wrong shape', post(payloadOf(list(ONE, list(), list(), list()))), 'blocks[0].l1Origin'],
    ['deposits is bytes', 'wrong shape', post(payloadOf(list(ONE, ONE, ONE, list()))), 'blocks[0].deposits'],
    ['tx is a list', 'wrong shape', post(payloadOf(okBlock(ONE, [list(TX)]))), 'blocks[0].transactions[0]'],
    ['31-byte parent hash', 'bad parent hash', post(list(rlp(new Uint8Array(31)), ONE, list(okBlock()))), 'parentHash'],
    ['33-byte parent hash', 'bad parent hash', post(list(rlp(new Uint8Array(33)), ONE, list(okBlock()))), 'parentHash'],
    ['block number 0x00', 'non-canonical integer', post(list(HASH, '0x00', list(okBlock()))), 'firstBlockNumber'],
    [
      'block number 0x820001',
      'non-canonical integer',
      post(list(HASH, '0x820001', list(okBlock()))),
      'firstBlockNumber',
    ],
    ['timestamp 0x8200ff', 'non-canonical integer', post(payloadOf(okBlock('0x8200ff'))), 'blocks[0].timestamp'],
    ['l1Origin 0x00', 'non-canonical integer', post(payloadOf(okBlock(ONE, [TX], [], '0x00'))), 'blocks[0].l1Origin'],
    [
      'l1Origin 0x8105',
      'invalid rlp', // a prefixed single byte below 0x80: caught by the RLP reader first
      post(payloadOf(okBlock(ONE, [TX], [], '0x8105'))),
      'blocks[0].l1Origin',
    ],
    [
      'l1Origin 0x820100 then 0x8200ff',
      'non-canonical integer',
      post(payloadOf(okBlock(ONE, [TX], [], '0x820100'), okBlock(ONE, [TX], [], '0x8200ff'))),
      'blocks[1].l1Origin',
    ],
    ['9-byte block number', 'integer overflow', post(list(HASH, rlp(2n ** 64n), list(okBlock()))), 'firstBlockNumber'],
    ['9-byte timestamp', 'integer overflow', post(payloadOf(okBlock(rlp(2n ** 64n)))), 'blocks[0].timestamp'],
    [
      '9-byte l1Origin',
      'integer overflow',
      post(payloadOf(okBlock(ONE, [TX], [], rlp(2n ** 64n)))),
      'blocks[0].l1Origin',
    ],
    ['block number 0', 'zero block number', post(list(HASH, '0x80', list(okBlock()))), 'firstBlockNumber'],
    [
      'numbers past uint64',
      'block number overflow',
      post(list(HASH, rlp(MAX_UINT64), list(okBlock(), okBlock()))),
      'blocks[1]',
    ],
    [
      'timestamp decreasing',
      'timestamp decreasing',
      post(payloadOf(okBlock(rlp(5)), okBlock(rlp(4)))),
      'blocks[1].timestamp',
    ],
    [
      'l1 origin decreasing',
      'l1 origin decreasing',
      post(payloadOf(okBlock(ONE, [TX], [], rlp(7)), okBlock(ONE, [TX], [], rlp(7)), okBlock(ONE, [TX], [], rlp(6)))),
      'blocks[2].l1Origin',
    ],
    [
      'l1 origin decreasing to 0',
      'l1 origin decreasing',
      post(payloadOf(okBlock(ONE, [TX], [], ONE), okBlock(ONE, [TX], [], '0x80'))),
      'blocks[1].l1Origin',
    ],
    ['empty tx', 'empty transaction', post(payloadOf(okBlock(ONE, [TX, '0x80']))), 'blocks[0].transactions[1]'],
    ['empty deposit', 'empty transaction', post(payloadOf(okBlock(ONE, [], ['0x80']))), 'blocks[0].deposits[0]'],
    ['deposit of type 0x02', 'bad deposit', post(payloadOf(okBlock(ONE, [], [DEPOSIT, TX]))), 'blocks[0].deposits[1]'],
    ['deposit 0x7f', 'bad deposit', post(payloadOf(okBlock(ONE, [], ['0x7f']))), 'blocks[0].deposits[0]'],
    [
      'legacy tx as a deposit',
      'bad deposit',
      post(payloadOf(okBlock(ONE, [], [rlp(hexToBytes('0xf8c0ffee'))]))),
      'blocks[0].deposits[0]',
    ],
    [
      'deposit among transactions',
      'deposit among transactions',
      post(payloadOf(okBlock(ONE, [TX, DEPOSIT]))),
      'blocks[0].transactions[1]',
    ],
    [
      'one-byte 0x7e among transactions',
      'deposit among transactions',
      post(payloadOf(okBlock(ONE, ['0x7e']))),
      'blocks[0].transactions[0]',
    ],
    ['no blocks', 'no blocks', post(payloadOf()), 'blocks'],
  ])('error: %s', (_name, reason, data, path) => {
    const err = decodeError(data)
    expect(err.reason).toBe(reason)
    if (path !== undefined) expect(err.path).toBe(path)
    expect(err.shortMessage).toContain(reason)
  })

  it('behavior: uint64 extremes decode', () => {
    const batch = decodeBatch(
      post(list(HASH, rlp(MAX_UINT64), list(okBlock(rlp(MAX_UINT64), [], [], rlp(MAX_UINT64))))),
    )
    expect(batch.blocks[0]).toMatchObject({ number: MAX_UINT64, timestamp: MAX_UINT64, l1Origin: MAX_UINT64 })
    expect(decodeBatch(post(payloadOf(okBlock('0x80', [], [], '0x80')))).blocks[0]).toMatchObject({
      timestamp: 0n,
      l1Origin: 0n,
    })
  })

  it('behavior: L1 origins may repeat and jump; deposits and txs are told apart by their first byte only', () => {
    const blocks = [okBlock(ONE, [], [], rlp(7)), okBlock(ONE, [TX], [DEPOSIT], rlp(7)), okBlock(ONE, [], [], rlp(1e9))]
    expect(decodeBatch(post(payloadOf(...blocks))).blocks.map((b) => b.l1Origin)).toEqual([7n, 7n, 1_000_000_000n])
    // A 1-byte deposit is just the type byte; a 1-byte tx may be anything else.
    const batch = decodeBatch(post(payloadOf(okBlock(ONE, ['0x7f', rlp(Uint8Array.of(0x80))], ['0x7e']))))
    expect(batch.blocks[0]).toMatchObject({ deposits: ['0x7e'], transactions: ['0x7f', '0x80'] })
  })

  it('behavior: the limits are inclusive', () => {
    const batch = randomBatch(prng(8), { blocks: 10 })
    const data = encodeBatch(batch)
    const payload = encodeBatchPayload(batch).length
    const txs = batch.blocks.reduce((n, b) => n + b.deposits.length + b.transactions.length, 0)
    expect(decodeBatch(data, { maxDecompressedBytes: payload, maxBlocks: 10, maxTransactions: txs })).toEqual(batch)
    expect(decodeError(data, { maxDecompressedBytes: payload - 1 }).reason).toBe('too large')
    expect(decodeError(data, { maxBlocks: 9 })).toMatchObject({ reason: 'too many blocks', path: 'blocks[9]' })
    expect(decodeError(data, { maxTransactions: txs - 1 }).reason).toBe('too many transactions')
  })

  it('behavior: the bomb is real (256 MiB, streamed and counted)', async () => {
    let inflated = 0
    await new Promise<void>((resolve, reject) => {
      const stream = zlib.createBrotliDecompress()
      stream.on('data', (chunk: Buffer) => {
        inflated += chunk.length
      })
      stream.on('end', resolve)
      stream.on('error', reject)
      stream.end(BOMB)
    })
    expect(BOMB.length).toBe(203)
    expect(inflated).toBe(256 * 1024 * 1024)
  })

  it('error: a zip bomb fails as too large, fast and without inflating it all', () => {
    const data = concat([Uint8Array.of(0), BOMB])
    const rss = process.memoryUsage().rss
    const start = performance.now()
    expect(decodeError(data).reason).toBe('too large')
    expect(decodeError(data, { maxDecompressedBytes: 1024 }).reason).toBe('too large')
    // Inflating all 256 MiB takes ~0.75 s and ~500 MiB of RSS; stopping at 16 MiB ~70 ms and ~32 MiB.
    expect(performance.now() - start).toBeLessThan(2_000)
    expect(process.memoryUsage().rss - rss).toBeLessThan(128 * 1024 * 1024)
  })

  it('error: nested lists inflating to the cap fail fast (no recursion, no copies)', () => {
    // A thousand nested lists around ~15 MiB as the parent hash: RLP.decode would copy 15 MiB per level.
    const filler = 15 * 1024 * 1024
    const parts: Uint8Array[] = [header(0x80, filler), new Uint8Array(filler)]
    let length = filler + parts[0].length
    for (let i = 0; i < 1_000; i++) {
      parts.unshift(header(0xc0, length))
      length += parts[0].length
    }
    const start = performance.now()
    const err = decodeError(concat([Uint8Array.of(0), zlib.brotliCompressSync(concat(parts))]))
    expect(err).toMatchObject({ reason: 'wrong shape', path: 'parentHash' })
    expect(performance.now() - start).toBeLessThan(2_000)
  })
})
