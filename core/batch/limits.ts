/** Bounds on a batch that the decoder enforces; the encoder checks them too, so every batch it makes decodes. */
export type BatchLimits = {
  /** Largest RLP payload that brotli may inflate to; more fails as 'too large' without inflating the rest. */
  maxDecompressedBytes: number
  maxBlocks: number
  /** Deposits and transactions together, over all blocks. */
  maxTransactions: number
}

// 16 MiB is over 100 times what a batch under the 120,000-byte posting cap inflates to (ratio ~0.7).
// The counts bound the decoded objects: 16 MiB of 1-byte txs would otherwise be 16M JS strings (~0.5 GB).
/** The limits used when none are given. */
export const DEFAULT_BATCH_LIMITS: Readonly<BatchLimits> = Object.freeze({
  maxDecompressedBytes: 16 * 1024 * 1024,
  maxBlocks: 100_000,
  maxTransactions: 1_000_000,
})

/** Largest block number, timestamp and L1 origin: all are uint64, as in every EVM client. */
export const MAX_UINT64 = 2n ** 64n - 1n
