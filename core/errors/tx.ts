import { BaseError } from './base.ts'

// Transaction intake errors. Each shortMessage starts with geth's text for the same rejection
// (core/txpool and core/error.go), because wallets and tools match on those strings.

/** The tx nonce is below the sender's next nonce. */
export class NonceTooLowError extends BaseError {
  override name = 'NonceTooLowError' as const
  constructor({ next, nonce }: { next: bigint; nonce: bigint }) {
    super(`nonce too low: next nonce ${next}, tx nonce ${nonce}`)
  }
}

/** The tx nonce is too far ahead of the sender's next nonce to be queued. */
export class NonceTooHighError extends BaseError {
  override name = 'NonceTooHighError' as const
  constructor({ next, nonce, maxGap }: { next: bigint; nonce: bigint; maxGap: number }) {
    super(`nonce too high: next nonce ${next}, tx nonce ${nonce}, max gap ${maxGap}`)
  }
}

/**
 * The sender cannot pay gas * price + value: for this tx alone, or (as geth's legacypool) on top of
 * what its other pool txs may spend (`queued`); a replacement counts only its `bump` over the old tx.
 */
export class InsufficientFundsError extends BaseError {
  override name = 'InsufficientFundsError' as const
  constructor(
    params:
      | { balance: bigint; cost: bigint }
      | { balance: bigint; queued: bigint; cost: bigint }
      | { balance: bigint; queued: bigint; bump: bigint },
  ) {
    const { balance } = params
    const prefix = `insufficient funds for gas * price + value: balance ${balance}`
    super(
      'bump' in params
        ? `${prefix}, queued cost ${params.queued}, tx bumped ${params.bump}, overshot ${params.queued + params.bump - balance}`
        : 'queued' in params
          ? `${prefix}, queued cost ${params.queued}, tx cost ${params.cost}, overshot ${params.queued + params.cost - balance}`
          : `${prefix}, tx cost ${params.cost}, overshot ${params.cost - balance}`,
    )
  }
}

/** The gas limit is below the intrinsic gas (or, since Prague, the calldata floor). */
export class IntrinsicGasTooLowError extends BaseError {
  override name = 'IntrinsicGasTooLowError' as const
  constructor({ gas, needed, floor }: { gas: bigint; needed: bigint; floor?: boolean }) {
    super(
      floor
        ? `insufficient gas for floor data gas cost: gas ${gas}, minimum needed ${needed}`
        : `intrinsic gas too low: gas ${gas}, minimum needed ${needed}`,
    )
  }
}

/** The gas limit is above the block gas limit. */
export class GasLimitExceededError extends BaseError {
  override name = 'GasLimitExceededError' as const
  constructor({ gas, limit }: { gas: bigint; limit: bigint }) {
    super('exceeds block gas limit', { details: `gas ${gas}, block gas limit ${limit}` })
  }
}

/** A same-nonce replacement without the required fee bump. */
export class ReplacementUnderpricedError extends BaseError {
  override name = 'ReplacementUnderpricedError' as const
  constructor({ bumpPercent }: { bumpPercent: number }) {
    super('replacement transaction underpriced', {
      details: `both fee cap and tip must rise by at least ${bumpPercent}%`,
    })
  }
}

/** The signature does not recover to a sender (or is malleable: high s). */
export class InvalidSenderError extends BaseError {
  override name = 'InvalidSenderError' as const
  constructor({ cause }: { cause?: unknown } = {}) {
    super('invalid sender', { cause, details: cause instanceof Error ? cause.message : undefined })
  }
}

/** The signature is for another chain. */
export class InvalidChainIdError extends BaseError {
  override name = 'InvalidChainIdError' as const
  constructor({ expected, got }: { expected: bigint; got: bigint }) {
    super(`invalid chain id for signer: have ${got} want ${expected}`)
  }
}

/** The encoded transaction is larger than the pool accepts. */
export class OversizedDataError extends BaseError {
  override name = 'OversizedDataError' as const
  constructor({ size, limit }: { size: number; limit: number }) {
    super(`oversized data: transaction size ${size}, limit ${limit}`)
  }
}

/** A transaction type this chain does not accept (e.g. blob transactions). */
export class TxTypeNotSupportedError extends BaseError {
  override name = 'TxTypeNotSupportedError' as const
  constructor({ type }: { type: number }) {
    super('transaction type not supported', { details: `type ${type}` })
  }
}

/** A legacy transaction without EIP-155 replay protection. */
export class UnprotectedTxError extends BaseError {
  override name = 'UnprotectedTxError' as const
  constructor() {
    super('only replay-protected (EIP-155) transactions allowed over RPC')
  }
}

/** The fee cap is below the base fee floor, so the tx could never be included. */
export class FeeCapTooLowError extends BaseError {
  override name = 'FeeCapTooLowError' as const
  constructor({ feeCap, baseFee }: { feeCap: bigint; baseFee: bigint }) {
    super(`max fee per gas less than block base fee: maxFeePerGas: ${feeCap}, baseFee: ${baseFee}`)
  }
}

/** maxPriorityFeePerGas above maxFeePerGas. */
export class TipAboveFeeCapError extends BaseError {
  override name = 'TipAboveFeeCapError' as const
  constructor() {
    super('max priority fee per gas higher than max fee per gas')
  }
}

/** The exact transaction is already in the pool or the chain. */
export class AlreadyKnownError extends BaseError {
  override name = 'AlreadyKnownError' as const
  constructor() {
    super('already known')
  }
}

/** The pool is full and the tx does not pay more than the cheapest it could evict. */
export class TxPoolOverflowError extends BaseError {
  override name = 'TxPoolOverflowError' as const
  constructor({ reason }: { reason: string }) {
    super(`txpool is full`, { details: reason, retryable: true })
  }
}

/** The sender already holds the most txs the pool keeps per account (MEMPOOL_MAX_PER_SENDER); geth's txpool.ErrAccountLimitExceeded. */
export class AccountLimitExceededError extends BaseError {
  override name = 'AccountLimitExceededError' as const
  constructor({ count, limit }: { count: number; limit: number }) {
    super(`account limit exceeded: sender has ${count} txs in the pool (limit ${limit})`, { retryable: true })
  }
}

/** The bytes are not a decodable signed transaction. */
export class TxDecodeError extends BaseError {
  override name = 'TxDecodeError' as const
  constructor({ cause }: { cause?: unknown }) {
    // First line only, and never ethereumjs's ' (tx type=… hash=… nonce=… value=…)' dump of the tx.
    const reason = cause instanceof Error ? cause.message.split('\n')[0].split(' (tx type=')[0] : 'malformed'
    super(`rlp: invalid transaction: ${reason}`, { cause })
  }
}

/** A contract creation whose initcode is larger than EIP-3860 allows (2 * 24576 bytes). */
export class MaxInitCodeSizeExceededError extends BaseError {
  override name = 'MaxInitCodeSizeExceededError' as const
  constructor({ size, limit }: { size: number; limit: number }) {
    super(`max initcode size exceeded: code size ${size}, limit ${limit}`)
  }
}

/** An EIP-7702 (set code) tx without a `to`: it cannot create a contract. */
export class SetCodeTxCreateError extends BaseError {
  override name = 'SetCodeTxCreateError' as const
  constructor() {
    super('EIP-7702 transaction cannot be used to create contract')
  }
}

/** An EIP-7702 (set code) tx whose authorization list is empty. */
export class EmptyAuthListError extends BaseError {
  override name = 'EmptyAuthListError' as const
  constructor() {
    super('EIP-7702 transaction with empty auth list')
  }
}

/** A gas limit or fee too large to be meaningful. */
export class GasUintOverflowError extends BaseError {
  override name = 'GasUintOverflowError' as const
  constructor() {
    super('gas uint64 overflow')
  }
}

/** A call or estimate reverted; carries the revert data. */
export class ExecutionRevertedError extends BaseError {
  override name = 'ExecutionRevertedError' as const
  readonly data: `0x${string}`
  readonly reason: string | undefined
  constructor({ data, reason }: { data: `0x${string}`; reason?: string }) {
    super(reason ? `execution reverted: ${reason}` : 'execution reverted')
    this.data = data
    this.reason = reason
  }
}

/** A call failed in the EVM for a reason other than REVERT (out of gas, invalid opcode, ...). */
export class ExecutionFailedError extends BaseError {
  override name = 'ExecutionFailedError' as const
  constructor({ reason }: { reason: string }) {
    super(reason)
  }
}

/** maxFeePerGas above 2^256-1. */
export class FeeCapVeryHighError extends BaseError {
  override name = 'FeeCapVeryHighError' as const
  constructor() {
    super('max fee per gas higher than 2^256-1')
  }
}

/** maxPriorityFeePerGas above 2^256-1. */
export class TipVeryHighError extends BaseError {
  override name = 'TipVeryHighError' as const
  constructor() {
    super('max priority fee per gas higher than 2^256-1')
  }
}
