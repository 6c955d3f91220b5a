// The rollup batch codec: the bytes posted to L1 and the output root posted with them (docs/batch-format.md).
export { BATCH_VERSION, type Batch, type BatchBlock } from './batch.ts'
export { batchDataHash } from './batchDataHash.ts'
export { type BatchPayloadSizeParameters, batchPayloadSize } from './batchPayloadSize.ts'
export { blockPayloadSize } from './blockPayloadSize.ts'
export { type DecodeBatchOptions, decodeBatch } from './decodeBatch.ts'
export { decodeBatchPayload } from './decodeBatchPayload.ts'
export { DEFAULT_BROTLI_QUALITY, type EncodeBatchOptions, encodeBatch } from './encodeBatch.ts'
export { encodeBatchPayload } from './encodeBatchPayload.ts'
export {
  BatchDecodeError,
  type BatchDecodeReason,
  BatchEncodeError,
  type BatchEncodeReason,
  OutputRootInputError,
} from './errors.ts'
export { type BatchLimits, DEFAULT_BATCH_LIMITS, MAX_UINT64 } from './limits.ts'
export { OUTPUT_ROOT_VERSION, type OutputRootParameters, outputRoot } from './outputRoot.ts'
export { validateBatch } from './validateBatch.ts'
