import zlib from 'node:zlib'
import { BATCH_VERSION, type Batch } from './batch.ts'
import { encodeBatchPayload } from './encodeBatchPayload.ts'
import { BatchEncodeError } from './errors.ts'

/**
 * Brotli quality used by default. On 1,000 signed transfers (120 KB of payload; core/batch/batch.bench.ts)
 * quality 9 compresses to 0.693 of the payload in ~20-25 ms; 5 reaches 0.696 in ~2 ms, 10 0.688 in
 * ~70 ms, 11 0.687 in ~200-300 ms. L1 bytes are the rollup's main cost and a batcher compresses a few
 * times per batch (trimming blocks to fit), so: the best quality that stays well under 100 ms.
 */
export const DEFAULT_BROTLI_QUALITY = 9

/** Options for {@link encodeBatch}. */
export type EncodeBatchOptions = {
  /** Brotli quality 0..11 (default {@link DEFAULT_BROTLI_QUALITY}); any quality decodes the same. */
  quality?: number
}

/** The bytes to post to L1: BATCH_VERSION ‖ brotli(encodeBatchPayload(batch)). Throws `BatchEncodeError`. */
export function encodeBatch(batch: Batch, { quality = DEFAULT_BROTLI_QUALITY }: EncodeBatchOptions = {}): Uint8Array {
  if (!Number.isInteger(quality) || quality < 0 || quality > 11)
    throw new BatchEncodeError({ reason: 'invalid quality', details: `${quality}` })
  const payload = encodeBatchPayload(batch)
  const compressed = zlib.brotliCompressSync(payload, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: payload.length,
    },
  })
  const data = new Uint8Array(1 + compressed.length)
  data[0] = BATCH_VERSION
  data.set(compressed, 1)
  return data
}
