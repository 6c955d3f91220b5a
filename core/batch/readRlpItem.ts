import { BatchDecodeError } from './errors.ts'

/** One RLP item in a byte array: a byte string or a list, its payload at [start, end). */
export type RlpItem = { list: boolean; start: number; end: number }

/**
 * Reads the header of the RLP item at `offset`, which must end by `limit` (the end of the enclosing
 * list), and returns where its payload lies, without copying or descending into it. Accepts only the
 * canonical encoding, as geth and @ethereumjs/rlp do: a single byte below 0x80 is not prefixed, the
 * long forms are used only for payloads over 55 bytes, and a length has no leading zero bytes.
 * Throws `BatchDecodeError` 'invalid rlp' (with `path`).
 *
 * Why not `RLP.decode`: it recurses and copies every list's payload, so ~1 KB of brotli that inflates
 * to a thousand nested lists around 15 MiB costs it ~15 GB of copying (measured: 44 s, then out of
 * memory at 3,000 levels). The batch has a fixed shape, so the decoder walks it with this reader instead.
 */
export function readRlpItem(data: Uint8Array, offset: number, limit: number, path: string): RlpItem {
  if (offset >= limit) throw fail(path, 'truncated: no item')
  const prefix = data[offset]
  if (prefix < 0x80) return { list: false, start: offset, end: offset + 1 }

  const list = prefix >= 0xc0
  const short = list ? prefix <= 0xf7 : prefix <= 0xb7
  let start: number
  let length: number
  if (short) {
    start = offset + 1
    length = prefix - (list ? 0xc0 : 0x80)
  } else {
    const lengthOfLength = prefix - (list ? 0xf7 : 0xb7)
    start = offset + 1 + lengthOfLength
    if (start > limit) throw fail(path, 'truncated length')
    if (data[offset + 1] === 0) throw fail(path, 'length with leading zero byte')
    length = 0
    // Up to 8 length bytes: past 2^53 the value is inexact but still far over any limit.
    for (let i = offset + 1; i < start; i++) length = length * 256 + data[i]
    if (length < 56) throw fail(path, `long form for a ${length}-byte payload`)
  }
  if (length > limit - start) throw fail(path, `truncated: ${length}-byte payload, ${limit - start} left`)
  if (!list && length === 1 && data[start] < 0x80) throw fail(path, 'single byte below 0x80 with a prefix')
  return { list, start, end: start + length }
}

// A module function rather than a closure per call: the sender-recovery thread reads every field of every
// tx through readRlpItem, and tsx (esbuild's keepNames) wraps a closure bound to a name (`const fail = () => …`)
// in a `__name` call that redefines the function's name each time it is created (4.5 µs a recovered tx, ~6% of
// the recovery thread, in a CPU profile).
function fail(path: string, details: string): BatchDecodeError {
  return new BatchDecodeError({ reason: 'invalid rlp', path, details })
}
