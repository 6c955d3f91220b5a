import type { Common } from '@ethereumjs/common'
import { createTx, type TypedTransaction } from '@ethereumjs/tx'
import { Address, bytesToHex, hexToBytes } from '@ethereumjs/util'
import { runTx, type VM } from '@ethereumjs/vm'
import type { Hex } from 'viem'
import { createExecutionVm } from './createExecutionVm.ts'
import { toEjsBlock } from './sequential.ts'
import type { OverlayStateManager } from './state/overlayStateManager.ts'
import type { StateReader } from './state/types.ts'
import type { BlockEnv } from './types.ts'

/** A call to simulate (eth_call, eth_estimateGas, eth_createAccessList), fields already decoded. */
export type SimulatedCall = {
  from: Hex
  to?: Hex
  gas: bigint
  gasPrice?: bigint
  maxFeePerGas?: bigint
  maxPriorityFeePerGas?: bigint
  value?: bigint
  data?: Hex
  accessList?: { address: Hex; storageKeys: Hex[] }[]
  authorizationList?: { chainId: bigint; address: Hex; nonce: bigint; yParity: number; r: bigint; s: bigint }[]
}

/** The outcome of a simulation: `invalid` is set when the tx could not even start (funds, fees). */
export type SimulationResult = {
  success: boolean
  gasUsed: bigint
  returnData: Hex
  /** EVM exception ('revert', 'out of gas', 'invalid opcode', ...) when !success. */
  error?: string
  invalid?: string
  accessList?: { address: Hex; storageKeys: Hex[] }[]
}

/** Runs calls against any past or present state without keeping their writes. */
export type Simulator = {
  simulate(params: {
    state: StateReader
    env: BlockEnv
    call: SimulatedCall
    reportAccessList?: boolean
  }): Promise<SimulationResult>
}

/**
 * Creates a simulator. Each call runs a full transaction (intrinsic gas, access lists, 7702
 * authorizations, refunds) from an impersonated sender with the nonce check off, as geth's
 * `eth_call` does; with no fee fields the block's base fee is taken as zero (geth's NoBaseFee).
 * VMs are pooled because calls interleave at every await and one VM cannot serve two at once.
 */
export function createSimulator({
  common,
  blockHash,
}: {
  common: Common
  blockHash(n: bigint): Uint8Array | undefined
}): Simulator {
  const free: { vm: VM; overlay: OverlayStateManager }[] = []
  async function acquire() {
    return free.pop() ?? (await createExecutionVm({ common, blockHash }))
  }

  return {
    async simulate({ state, env, call, reportAccessList }) {
      const slot = await acquire()
      try {
        slot.overlay.reset(state)
        const hasFees =
          call.gasPrice !== undefined || call.maxFeePerGas !== undefined || call.maxPriorityFeePerGas !== undefined
        const block = toEjsBlock(common, hasFees ? env : { ...env, baseFeePerGas: 0n })
        const tx = impersonate(common, call)
        let r: Awaited<ReturnType<typeof runTx>>
        try {
          r = await runTx(slot.vm, {
            tx,
            block,
            skipNonce: true,
            skipBlockGasLimitValidation: true,
            skipHardForkValidation: true,
            reportAccessList,
          })
        } catch (err) {
          return { success: false, gasUsed: 0n, returnData: '0x', invalid: (err as Error).message }
        }
        const ex = r.execResult.exceptionError
        return {
          success: !ex,
          gasUsed: r.totalGasSpent,
          returnData: bytesToHex(r.execResult.returnValue) as Hex,
          error: ex ? ex.error : undefined,
          accessList: r.accessList?.map((e) => ({ address: e.address as Hex, storageKeys: e.storageKeys as Hex[] })),
        }
      } finally {
        slot.overlay.reset({
          getAccount: () => undefined,
          getStorage: () => new Uint8Array(),
          getCode: () => undefined,
        })
        free.push(slot)
      }
    },
  }
}

function impersonate(common: Common, c: SimulatedCall): TypedTransaction {
  const base = {
    nonce: 0n,
    gasLimit: c.gas,
    to: c.to,
    value: c.value ?? 0n,
    data: c.data ?? '0x',
  }
  let data: Record<string, unknown>
  if (c.authorizationList?.length) {
    data = {
      ...base,
      type: 4,
      chainId: common.chainId(),
      maxFeePerGas: c.maxFeePerGas ?? c.gasPrice ?? 0n,
      maxPriorityFeePerGas: c.maxPriorityFeePerGas ?? c.maxFeePerGas ?? c.gasPrice ?? 0n,
      accessList: c.accessList ?? [],
      authorizationList: c.authorizationList.map((a) => ({
        chainId: `0x${a.chainId.toString(16)}`,
        address: a.address,
        nonce: `0x${a.nonce.toString(16)}`,
        yParity: `0x${a.yParity.toString(16)}`,
        r: `0x${a.r.toString(16)}`,
        s: `0x${a.s.toString(16)}`,
      })),
    }
  } else if (c.maxFeePerGas !== undefined || c.maxPriorityFeePerGas !== undefined) {
    const maxFee = c.maxFeePerGas ?? c.maxPriorityFeePerGas ?? 0n
    data = {
      ...base,
      type: 2,
      chainId: common.chainId(),
      maxFeePerGas: maxFee,
      maxPriorityFeePerGas: c.maxPriorityFeePerGas ?? 0n,
      accessList: c.accessList ?? [],
    }
  } else if (c.accessList) {
    data = { ...base, type: 1, chainId: common.chainId(), gasPrice: c.gasPrice ?? 0n, accessList: c.accessList }
  } else {
    data = { ...base, type: 0, gasPrice: c.gasPrice ?? 0n }
  }
  const tx = createTx(data as never, { common, freeze: false })
  const from = new Address(hexToBytes(c.from))
  Object.defineProperty(tx, 'getSenderAddress', { value: () => from })
  return tx
}
