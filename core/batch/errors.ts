import { BaseError } from '../errors/base.ts'

/** Why `encodeBatch` / `encodeBatchPayload` refused a batch. */
export type BatchEncodeReason =
  | 'no blocks'
  | 'too many blocks'
  | 'too many transactions'
  | 'bad parent hash'
  | 'zero block number'
  | 'block number gap'
  | 'integer out of range'
  | 'timestamp decreasing'
  | 'l1 origin decreasing'
  | 'invalid hex'
  | 'empty transaction'
  | 'bad deposit'
  | 'deposit among transactions'
  | 'too large'
  | 'invalid quality'

/** The batch given to the encoder breaks a rule of the format; `path` names the field (`blocks[2].transactions[0]`). */
export class BatchEncodeError extends BaseError {
  override name = 'BatchEncodeError' as const
  readonly reason: BatchEncodeReason
  readonly path: string | undefined

  constructor({ reason, path, details }: { reason: BatchEncodeReason; path?: string; details?: string }) {
    super(`cannot encode batch: ${reason}${path ? ` at ${path}` : ''}`, { details })
    this.reason = reason
    this.path = path
  }
}

/** Why `decodeBatch` refused some bytes. */
export type BatchDecodeReason =
  | 'invalid hex'
  | 'empty input'
  | 'unknown version'
  | 'corrupt brotli'
  | 'bytes after brotli stream'
  | 'too large'
  | 'invalid rlp'
  | 'trailing bytes'
  | 'wrong shape'
  | 'bad parent hash'
  | 'non-canonical integer'
  | 'integer overflow'
  | 'zero block number'
  | 'block number overflow'
  | 'timestamp decreasing'
  | 'l1 origin decreasing'
  | 'empty transaction'
  | 'bad deposit'
  | 'deposit among transactions'
  | 'no blocks'
  | 'too many blocks'
  | 'too many transactions'

/**
 * The bytes are not a valid batch. The only error `decodeBatch` throws: `reason` says which rule
 * failed, `path` where in the batch (`blocks[3].transactions[7]`), `details` the specifics.
 */
export class BatchDecodeError extends BaseError {
  override name = 'BatchDecodeError' as const
  readonly reason: BatchDecodeReason
  readonly path: string | undefined

  constructor({
    reason,
    path,
    details,
    cause,
  }: { reason: BatchDecodeReason; path?: string; details?: string; cause?: unknown }) {
    super(`invalid batch data: ${reason}${path ? ` at ${path}` : ''}`, { details, cause })
    this.reason = reason
    this.path = path
  }
}

/** A hash given to `outputRoot` is not 32 bytes of hex. */
export class OutputRootInputError extends BaseError {
  override name = 'OutputRootInputError' as const
  readonly field: 'stateRoot' | 'blockHash'

  constructor({ field, value }: { field: 'stateRoot' | 'blockHash'; value: string }) {
    super(`output root input ${field} is not 32 bytes of hex`, { details: value.slice(0, 80) })
    this.field = field
  }
}
