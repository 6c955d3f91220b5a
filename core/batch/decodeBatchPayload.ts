import type { Hex } from 'viem'
import { type Batch, type BatchBlock, DEPOSIT_TX_TYPE } from './batch.ts'
import { BatchDecodeError, type BatchDecodeReason } from './errors.ts'
import { type BatchLimits, DEFAULT_BATCH_LIMITS, MAX_UINT64 } from './limits.ts'
import { type RlpItem, readRlpItem } from './readRlpItem.ts'

/**
 * Decodes the uncompressed payload
 * RLP([parentHash, firstBlockNumber, [[timestamp, l1Origin, [deposit...], [tx...]]...]]) into a `Batch`,
 * enforcing every rule of the format and `limits` (but `maxDecompressedBytes`, which bounds the inflation
 * before this). Throws only `BatchDecodeError`.
 */
export function decodeBatchPayload(payload: Uint8Array, limits: BatchLimits = DEFAULT_BATCH_LIMITS): Batch {
  const fail = (reason: BatchDecodeReason, path?: string, details?: string) =>
    new BatchDecodeError({ reason, path, details })
  // Children of a list are read in order; `next` fails on a missing one, `done` on an extra one.
  type Cursor = { pos: number; end: number; path: string }
  const enter = (item: RlpItem, path: string): Cursor => {
    if (!item.list) throw fail('wrong shape', path, 'expected a list, got bytes')
    return { pos: item.start, end: item.end, path }
  }
  const next = (list: Cursor, path: string): RlpItem => {
    if (list.pos >= list.end) throw fail('wrong shape', path, `missing from ${list.path}`)
    const item = readRlpItem(payload, list.pos, list.end, path)
    list.pos = item.end
    return item
  }
  const done = (list: Cursor, items: number) => {
    if (list.pos < list.end) throw fail('wrong shape', list.path, `more than ${items} items`)
  }
  const bytesOf = (item: RlpItem, path: string): Uint8Array => {
    if (item.list) throw fail('wrong shape', path, 'expected bytes, got a list')
    return payload.subarray(item.start, item.end)
  }
  const uint64Of = (item: RlpItem, path: string): bigint => {
    const bytes = bytesOf(item, path)
    if (bytes.length > 0 && bytes[0] === 0) throw fail('non-canonical integer', path, 'leading zero byte')
    if (bytes.length > 8) throw fail('integer overflow', path, `${bytes.length} bytes, uint64 at most`)
    let value = 0n
    for (const byte of bytes) value = (value << 8n) | BigInt(byte)
    return value
  }

  if (payload.length === 0) throw fail('invalid rlp', 'batch', 'empty payload')
  const topItem = readRlpItem(payload, 0, payload.length, 'batch')
  if (topItem.end !== payload.length)
    throw fail('trailing bytes', 'batch', `${payload.length - topItem.end} bytes after the RLP`)
  const top = enter(topItem, 'batch')
  const hashBytes = bytesOf(next(top, 'parentHash'), 'parentHash')
  if (hashBytes.length !== 32) throw fail('bad parent hash', 'parentHash', `${hashBytes.length} bytes`)
  const first = uint64Of(next(top, 'firstBlockNumber'), 'firstBlockNumber')
  if (first === 0n) throw fail('zero block number', 'firstBlockNumber')
  const blockList = enter(next(top, 'blocks'), 'blocks')
  done(top, 3)

  const blocks: BatchBlock[] = []
  let txCount = 0
  // Deposits start with the deposit type byte, other txs must not (the only look inside a raw tx).
  const raws = (list: Cursor, deposits: boolean): Hex[] => {
    const out: Hex[] = []
    while (list.pos < list.end) {
      const path = `${list.path}[${out.length}]`
      if (++txCount > limits.maxTransactions)
        throw fail('too many transactions', path, `over ${limits.maxTransactions}`)
      const raw = bytesOf(next(list, path), path)
      if (raw.length === 0) throw fail('empty transaction', path)
      const typed = raw[0] === DEPOSIT_TX_TYPE
      if (deposits && !typed)
        throw fail('bad deposit', path, `first byte 0x${raw[0].toString(16).padStart(2, '0')}, not 0x7e`)
      if (!deposits && typed) throw fail('deposit among transactions', path)
      out.push(toHex(raw))
    }
    return out
  }
  while (blockList.pos < blockList.end) {
    const i = blocks.length
    const at = `blocks[${i}]`
    if (i >= limits.maxBlocks) throw fail('too many blocks', at, `over ${limits.maxBlocks}`)
    const number = first + BigInt(i)
    if (number > MAX_UINT64) throw fail('block number overflow', at, `${first} + ${i} exceeds uint64`)
    const block = enter(next(blockList, at), at)
    const timestamp = uint64Of(next(block, `${at}.timestamp`), `${at}.timestamp`)
    if (i > 0 && timestamp < blocks[i - 1].timestamp)
      throw fail('timestamp decreasing', `${at}.timestamp`, `${timestamp} < ${blocks[i - 1].timestamp}`)
    const l1Origin = uint64Of(next(block, `${at}.l1Origin`), `${at}.l1Origin`)
    if (i > 0 && l1Origin < blocks[i - 1].l1Origin)
      throw fail('l1 origin decreasing', `${at}.l1Origin`, `${l1Origin} < ${blocks[i - 1].l1Origin}`)
    const deposits = raws(enter(next(block, `${at}.deposits`), `${at}.deposits`), true)
    const transactions = raws(enter(next(block, `${at}.transactions`), `${at}.transactions`), false)
    done(block, 4)
    blocks.push({ number, timestamp, l1Origin, deposits, transactions })
  }
  if (blocks.length === 0) throw fail('no blocks', 'blocks')
  return { parentHash: toHex(hashBytes), blocks }
}

function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`
}
