import type { Common } from '@ethereumjs/common'
import { createVM, type VM } from '@ethereumjs/vm'
import './fastOpHandlers.ts'
import './jumpDestCache.ts'
import './leanFrames.ts'
import './syncSteps.ts'
import { OverlayStateManager } from './state/overlayStateManager.ts'
import type { StateReader } from './state/types.ts'

/** A reader of nothing, for a view that is reset onto real state before each use. */
export const NO_STATE: StateReader = {
  getAccount: () => undefined,
  getStorage: () => new Uint8Array(),
  getCode: () => undefined,
}

/**
 * One ethereumjs VM over an `OverlayStateManager`, with BLOCKHASH answered by `blockHash`. The
 * overlay is reset onto the state each use needs; it also tracks EVM message depth, which tells
 * fee bookkeeping (depth 0, outside execution) from the EVM's own coinbase accesses.
 */
export async function createExecutionVm({
  common,
  blockHash,
  trackDepth = false,
}: {
  common: Common
  blockHash(n: bigint): Uint8Array | undefined
  /** Count EVM message depth (only speculative runs need it; listeners cost a little per call). */
  trackDepth?: boolean
}): Promise<{ vm: VM; overlay: OverlayStateManager }> {
  const overlay = new OverlayStateManager(NO_STATE)
  const blockchain = {
    async getBlock(n: number | bigint) {
      const h = blockHash(BigInt(n)) ?? new Uint8Array(32)
      return { hash: () => h }
    },
    async putBlock() {},
    shallowCopy() {
      return blockchain
    },
  }
  const vm = await createVM({ common, stateManager: overlay, blockchain: blockchain as never })
  if (trackDepth) {
    vm.evm.events?.on('beforeMessage', () => {
      overlay.execDepth++
    })
    vm.evm.events?.on('afterMessage', () => {
      overlay.execDepth--
    })
  }
  return { vm, overlay }
}
