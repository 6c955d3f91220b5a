import zlib from 'node:zlib'
import type { Hex } from 'viem'
import { BATCH_VERSION, type Batch } from './batch.ts'
import { decodeBatchPayload } from './decodeBatchPayload.ts'
import { BatchDecodeError } from './errors.ts'
import { type BatchLimits, DEFAULT_BATCH_LIMITS } from './limits.ts'

/** Options for {@link decodeBatch}: any of the limits, the rest from `DEFAULT_BATCH_LIMITS`. */
export type DecodeBatchOptions = Partial<BatchLimits>

const BYTES_HEX = /^0x(?:[0-9a-fA-F]{2})*$/

/**
 * Decodes posted batch data (`encodeBatch`'s output, or the calldata `data` of `submitBatch`) into a
 * `Batch`. Exactly one encoding is accepted for each batch's payload, and any input that is not one
 * throws `BatchDecodeError`, never another error; the inflation stops at `maxDecompressedBytes`.
 */
export function decodeBatch(data: Uint8Array | Hex, options: DecodeBatchOptions = {}): Batch {
  // Field by field, so that an explicit `undefined` keeps the default rather than lifting the limit.
  const limits: BatchLimits = {
    maxDecompressedBytes: options.maxDecompressedBytes ?? DEFAULT_BATCH_LIMITS.maxDecompressedBytes,
    maxBlocks: options.maxBlocks ?? DEFAULT_BATCH_LIMITS.maxBlocks,
    maxTransactions: options.maxTransactions ?? DEFAULT_BATCH_LIMITS.maxTransactions,
  }
  let bytes: Uint8Array
  if (typeof data === 'string') {
    if (!BYTES_HEX.test(data)) throw new BatchDecodeError({ reason: 'invalid hex', details: data.slice(0, 80) })
    bytes = Buffer.from(data.slice(2), 'hex')
  } else bytes = data
  if (bytes.length === 0) throw new BatchDecodeError({ reason: 'empty input' })
  if (bytes[0] !== BATCH_VERSION)
    throw new BatchDecodeError({ reason: 'unknown version', details: `0x${bytes[0].toString(16).padStart(2, '0')}` })
  return decodeBatchPayload(inflate(bytes.subarray(1), limits.maxDecompressedBytes), limits)
}

// brotliDecompressSync gathers output in chunks and throws ERR_BUFFER_TOO_LARGE once it passes
// maxOutputLength, so a bomb costs at most that much memory. `info: true` (honoured by every zlib
// convenience method, though @types/node lists it for zlib only) returns the engine too, whose
// bytesWritten is the input the decoder consumed: brotli stops at the stream's last meta-block and
// ignores what follows, which would let many byte strings (and data hashes) carry one batch.
function inflate(compressed: Uint8Array, maxOutputLength: number): Buffer {
  let result: { buffer: Buffer; engine: { bytesWritten: number } }
  try {
    result = zlib.brotliDecompressSync(compressed, { maxOutputLength, info: true } as zlib.BrotliOptions) as never
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BatchDecodeError({ reason: 'too large', details: `inflates past ${maxOutputLength} bytes`, cause: err })
    throw new BatchDecodeError({ reason: 'corrupt brotli', details: (err as Error).message, cause: err })
  }
  const consumed = result.engine.bytesWritten
  if (consumed !== compressed.length)
    throw new BatchDecodeError({
      reason: 'bytes after brotli stream',
      details: `${compressed.length - consumed} of ${compressed.length} bytes unused`,
    })
  return result.buffer
}
