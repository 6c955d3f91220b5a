import { RLP } from '@ethereumjs/rlp'
import { hexToBytes } from 'viem'
import type { Batch } from './batch.ts'
import { BatchEncodeError } from './errors.ts'
import { type BatchLimits, DEFAULT_BATCH_LIMITS } from './limits.ts'
import { validateBatch } from './validateBatch.ts'

/**
 * The uncompressed batch payload
 * RLP([parentHash, firstBlockNumber, [[timestamp, l1Origin, [deposit...], [tx...]]...]]),
 * after `validateBatch`. Throws `BatchEncodeError`, also when the payload exceeds `maxDecompressedBytes`.
 */
export function encodeBatchPayload(batch: Batch, limits: BatchLimits = DEFAULT_BATCH_LIMITS): Uint8Array {
  validateBatch(batch, limits)
  // RLP.encode writes bigints big-endian without leading zeros, 0n as the empty string.
  const payload = RLP.encode([
    hexToBytes(batch.parentHash),
    batch.blocks[0].number,
    batch.blocks.map((block) => [
      block.timestamp,
      block.l1Origin,
      block.deposits.map((raw) => hexToBytes(raw)),
      block.transactions.map((raw) => hexToBytes(raw)),
    ]),
  ])
  if (payload.length > limits.maxDecompressedBytes)
    throw new BatchEncodeError({
      reason: 'too large',
      details: `payload ${payload.length} bytes > ${limits.maxDecompressedBytes}`,
    })
  return payload
}
