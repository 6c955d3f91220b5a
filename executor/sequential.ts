import { createBlock } from '@ethereumjs/block'
import type { Common } from '@ethereumjs/common'
import type { TypedTransaction } from '@ethereumjs/tx'
import { bytesToHex, hexToBytes } from '@ethereumjs/util'
import { Bloom, runTx } from '@ethereumjs/vm'
import type { Hex } from 'viem'
import { BaseError } from '../core/errors/base.ts'
import { createExecutionVm, NO_STATE } from './createExecutionVm.ts'
import { payCoinbase, tryFastTransfer } from './fastTransfer.ts'
import { type BlockRoots, blockRoots, buildReceipt, effectOf, transferEffect } from './receipt.ts'
import { createDiffView } from './state/diffView.ts'
import type { WorldState } from './state/worldState.ts'
import { applyDeposits, applySystemCalls } from './systemCalls.ts'
import { hashOf, senderOf, withCachedSender } from './txCache.ts'
import type { BlockEnv, ExecuteBlockResult, ExecutedReceipt, RejectedTx } from './types.ts'

/** A transaction of a block being verified could not be included (the block is invalid). */
export class InvalidBlockTransactionError extends BaseError {
  override name = 'InvalidBlockTransactionError' as const
  readonly index: number
  constructor({ index, hash, cause }: { index: number; hash: Hex; cause: unknown }) {
    super(`transaction ${index} (${hash}) of the block is invalid`, { cause, details: (cause as Error)?.message })
    this.index = index
  }
}

/** A tx whose gas limit exceeds what is left of the block's gas (geth's ErrGasLimitReached). */
export class BlockGasPoolError extends BaseError {
  override name = 'BlockGasPoolError' as const
  constructor({ gasLimit, left }: { gasLimit: bigint; left: bigint }) {
    super(`gas limit reached: tx gas ${gasLimit}, block gas left ${left}`, { retryable: true })
  }
}

/** Dependencies of {@link createSequentialExecutor}. */
export type SequentialExecutorDeps = {
  common: Common
  /** Apply plain ETH transfers without the interpreter (default true; see fastTransfer.ts). */
  fastTransfers?: boolean
  /** Hash of block `n` for the BLOCKHASH opcode (undefined when unknown). */
  blockHash(n: bigint): Uint8Array | undefined
  /**
   * Starts the block's tx and receipt roots on another thread, to overlap this thread's state root (the
   * parallel executor: on an idle worker); undefined leaves them to this thread. The promise must not reject.
   */
  rootsElsewhere?(
    included: readonly TypedTransaction[],
    receipts: readonly ExecutedReceipt[],
    deposits: BlockEnv['deposits'],
  ): Promise<BlockRoots> | undefined
}

/** Parameters of `executeBlock`: the parent state is advanced to the block's post-state. */
export type ExecuteBlockParameters = {
  state: WorldState
  env: BlockEnv
  txs: readonly TypedTransaction[]
  /** 'build' leaves out transactions that cannot be included; 'verify' throws on the first one. */
  mode: 'build' | 'verify'
  /**
   * Pipelining hook: a promise to await before tx `i` runs (its sender is being recovered elsewhere),
   * or undefined when it may run now. The promise must not reject; an unrecovered sender is recovered here.
   */
  senderReady?: (i: number) => Promise<void> | undefined
  /**
   * Pipelining hook, called at most once: the block's work is under way and needs no more of the caller's
   * synchronous time until its result comes back (parallel: its lanes are on the workers), or the main
   * thread is about to execute it. The block producer persists the previous block here, so that the SQLite
   * write overlaps the workers' execution of this one. The caller must call it itself after the result too.
   */
  onDispatched?: () => void
}

/** The sequential executor: the oracle that any other execution path must match bit for bit. */
export type SequentialExecutor = { executeBlock(params: ExecuteBlockParameters): Promise<ExecuteBlockResult> }

/** Creates the sequential (reference) executor: one VM, transactions one by one in block order. */
export async function createSequentialExecutor({
  common,
  blockHash,
  fastTransfers = true,
  rootsElsewhere,
}: SequentialExecutorDeps): Promise<SequentialExecutor> {
  const { vm, overlay } = await createExecutionVm({ common, blockHash })
  return {
    async executeBlock({ state, env, txs, mode, senderReady, onDispatched }) {
      // everything below runs on this thread: nothing to overlap the caller's work with
      onDispatched?.()
      const t0 = performance.now()
      // Each tx runs on a fresh overlay over the block so far (`view`): the EVM's journal and maps
      // stay the size of one tx instead of growing with the block (bench: one-pair swaps 148 → 184 tx/s).
      const view = createDiffView(state)
      overlay.reset(view)
      const block = toEjsBlock(common, env)
      const coinbase = env.coinbase.toLowerCase() as Hex
      await applySystemCalls(vm, overlay, env)
      applyDeposits(overlay, env)
      view.apply(overlay.takeDiff())
      const included: TypedTransaction[] = []
      const rejected: RejectedTx[] = []
      const receipts: ExecutedReceipt[] = []
      const bloom = new Bloom(undefined, common)
      let gasUsed = 0n
      for (let i = 0; i < txs.length; i++) {
        const tx = txs[i]
        const ready = senderReady?.(i)
        if (ready) await ready
        let result: Awaited<ReturnType<typeof runTx>>
        overlay.reset(view)
        try {
          // The block's gas pool: runTx itself only compares with the whole block gas limit.
          if (gasUsed + tx.gasLimit > env.gasLimit)
            throw new BlockGasPoolError({ gasLimit: tx.gasLimit, left: env.gasLimit - gasUsed })
          const fast = fastTransfers ? tryFastTransfer(tx, senderOf(tx), overlay, env, coinbase) : undefined
          if (fast && 'invalid' in fast) throw new InvalidTransferError({ reason: fast.invalid })
          if (fast) {
            payCoinbase(overlay, coinbase, fast.minerValue)
            view.apply(overlay.takeDiff())
            gasUsed += fast.gasUsed
            included.push(tx)
            receipts.push(buildReceipt(tx, senderOf(tx), transferEffect(fast.gasUsed), gasUsed, env.baseFeePerGas))
            continue
          }
          result = await runTx(vm, { tx: withCachedSender(tx), block, blockGasUsed: gasUsed })
        } catch (err) {
          if (mode === 'verify') throw new InvalidBlockTransactionError({ index: i, hash: hashOf(tx), cause: err })
          rejected.push({ tx, reason: (err as Error).message, retryable: err instanceof BaseError && err.retryable })
          continue
        }
        view.apply(overlay.takeDiff())
        gasUsed += result.totalGasSpent
        included.push(tx)
        receipts.push(buildReceipt(tx, senderOf(tx), effectOf(result), gasUsed, env.baseFeePerGas))
        bloom.or(result.bloom)
      }
      overlay.reset(NO_STATE)
      const diff = view.diff
      const t1 = performance.now()
      const elsewhere = rootsElsewhere?.(included, receipts, env.deposits)
      const stateRoot = bytesToHex(state.applyDiff(diff)) as Hex
      const t2 = performance.now()
      const { transactionsRoot, receiptsRoot } = elsewhere
        ? await elsewhere
        : blockRoots(included, receipts, env.deposits)
      const t3 = performance.now()
      return {
        included,
        rejected,
        receipts,
        diff,
        stateRoot,
        transactionsRoot,
        receiptsRoot,
        logsBloom: bytesToHex(bloom.bitvector) as Hex,
        gasUsed,
        timings: { executeMs: t1 - t0, stateRootMs: t2 - t1, rootsMs: t3 - t2 },
      }
    },
  }
}

/** The ethereumjs block object runTx needs (only the header fields execution reads). */
export function toEjsBlock(common: Common, env: BlockEnv) {
  return createBlock(
    {
      header: {
        number: env.number,
        timestamp: env.timestamp,
        coinbase: env.coinbase,
        gasLimit: env.gasLimit,
        baseFeePerGas: env.baseFeePerGas,
        mixHash: hexToBytes(env.prevRandao),
        parentHash: hexToBytes(env.parentHash),
        parentBeaconBlockRoot: hexToBytes(env.parentBeaconBlockRoot),
      },
    },
    { common, skipConsensusFormatValidation: true },
  )
}

/** A plain transfer that cannot be applied (nonce, funds, fee cap), found by the fast path. */
export class InvalidTransferError extends BaseError {
  override name = 'InvalidTransferError' as const
  constructor({ reason }: { reason: string }) {
    super(reason)
  }
}
