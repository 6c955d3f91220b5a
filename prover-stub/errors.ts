import { BaseError } from '../core/errors/base.ts'

/**
 * Why derivation stopped. Only 'output root mismatch' yields a computed root to dispute with: every
 * other reason means the batch (or this deriver) could not produce one.
 */
export type DerivationReason =
  | 'genesis mismatch'
  | 'missing batch'
  | 'not a submitBatch call'
  | 'call differs from event'
  | 'data hash mismatch'
  | 'invalid batch data'
  | 'prev output root mismatch'
  | 'parent hash mismatch'
  | 'block number mismatch'
  | 'invalid timestamp'
  | 'invalid l1 origin'
  | 'invalid deposit'
  | 'invalid transaction'
  | 'output root mismatch'

/** Parameters of {@link DerivationError}. */
export type DerivationErrorParameters = {
  reason: DerivationReason
  batchIndex: number
  /** The L2 block at which derivation diverged (the batch's last block for an output root). */
  l2Block?: bigint
  /** What L1 (the batch, its event or the contract) claims. */
  claimed?: string
  /** What this deriver computed from L1 data. */
  computed?: string
  details?: string
  cause?: unknown
}

/** The chain derived from L1 diverges from what L1 claims, or a batch on L1 cannot be derived. Never retryable. */
export class DerivationError extends BaseError {
  override name = 'DerivationError' as const
  readonly reason: DerivationReason
  readonly batchIndex: number
  readonly l2Block: bigint | undefined
  readonly claimed: string | undefined
  readonly computed: string | undefined

  constructor({ reason, batchIndex, l2Block, claimed, computed, details, cause }: DerivationErrorParameters) {
    const at = l2Block === undefined ? `batch ${batchIndex}` : `batch ${batchIndex}, L2 block ${l2Block}`
    const meta: string[] = []
    if (claimed !== undefined) meta.push(`claimed:  ${claimed}`)
    if (computed !== undefined) meta.push(`computed: ${computed}`)
    super(`derivation diverged at ${at}: ${reason}`, { metaMessages: meta, details, cause, retryable: false })
    this.reason = reason
    this.batchIndex = batchIndex
    this.l2Block = l2Block
    this.claimed = claimed
    this.computed = computed
  }
}

/** The L1 JSON-RPC endpoint does not answer. */
export class L1UnreachableError extends BaseError {
  override name = 'L1UnreachableError' as const
  readonly url: string
  constructor({ url, cause }: { url: string; cause: unknown }) {
    super(`cannot reach the L1 at ${url}`, {
      details: (cause as { shortMessage?: string; message?: string })?.shortMessage ?? (cause as Error)?.message,
      metaMessages: ['Is the L1 node running, and is the URL (--l1 / L1_RPC_URL) right?'],
      cause,
      retryable: true,
    })
    this.url = url
  }
}

/** Derivation starts from genesis and needs a data directory that holds no chain yet. */
export class DataDirNotEmptyError extends BaseError {
  override name = 'DataDirNotEmptyError' as const
  readonly dataDir: string
  constructor({ dataDir }: { dataDir: string }) {
    super(`data directory ${dataDir} already holds a chain`, {
      metaMessages: ['Derivation rebuilds the chain from genesis: give an empty or new directory.'],
    })
    this.dataDir = dataDir
  }
}

/** There is no rollup contract at the given address on the L1. */
export class RollupNotFoundError extends BaseError {
  override name = 'RollupNotFoundError' as const
  constructor({ rollup, url }: { rollup: string; url: string }) {
    super(`no rollup contract at ${rollup} on the L1 at ${url}`, {
      metaMessages: [
        'Check --rollup / ROLLUP_ADDRESS or the deployments file, and that the L1 is the one it was deployed to.',
      ],
    })
  }
}
