import { bytesToHex } from '@ethereumjs/util'
import { type Address, decodeErrorResult, type Hex, numberToHex, pad } from 'viem'
import { BaseError } from '../../../core/errors/base.ts'
import {
  ExecutionFailedError,
  ExecutionRevertedError,
  GasLimitExceededError,
  InsufficientFundsError,
} from '../../../core/errors/tx.ts'
import type { SimulatedCall, SimulationResult, Simulator } from '../../../executor/simulate.ts'
import type { StateReader } from '../../../executor/state/types.ts'
import { EMPTY_CODE_HASH } from '../../../executor/state/worldState.ts'
import type { BlockEnv } from '../../../executor/types.ts'
import type { Node } from '../../node/createNode.ts'
import {
  addressSchema,
  blockParamSchema,
  parseParams,
  storageSlotSchema,
  type TransactionCall,
  transactionCallSchema,
} from '../params.ts'
import type { MethodTable } from '../types.ts'
import { resolveSelector } from './resolveBlock.ts'

const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000'

/** A call that cannot run at all (fees, funds): geth's message for the same case. */
export class CallInvalidError extends BaseError {
  override name = 'CallInvalidError' as const
  constructor({ reason }: { reason: string }) {
    super(reason)
  }
}

/** Account state, eth_call, eth_estimateGas and eth_createAccessList at any kept block. */
export function stateMethods(node: Node, simulator: Simulator): MethodTable {
  const at = (sel: Parameters<typeof resolveSelector>[1]) => {
    const n = resolveSelector(node, sel ?? { blockNumber: 'latest' })
    return { n, state: node.stateAt(n) }
  }
  const envOf = (n: bigint): BlockEnv => {
    const h = node.chain.headerByNumber(n)!
    return {
      number: BigInt(h.number as string),
      timestamp: BigInt(h.timestamp as string),
      coinbase: h.miner as Address,
      gasLimit: BigInt(h.gasLimit as string),
      baseFeePerGas: BigInt(h.baseFeePerGas as string),
      prevRandao: h.mixHash as Hex,
      parentHash: h.parentHash as Hex,
      parentBeaconBlockRoot: h.parentBeaconBlockRoot as Hex,
    }
  }
  const toSim = (c: TransactionCall, gas: bigint): SimulatedCall => {
    checkCallFees(c)
    return {
      from: (c.from ?? ZERO_ADDRESS).toLowerCase() as Hex,
      to: c.to?.toLowerCase() as Hex | undefined,
      gas,
      gasPrice: c.gasPrice,
      maxFeePerGas: c.maxFeePerGas,
      maxPriorityFeePerGas: c.maxPriorityFeePerGas,
      value: c.value,
      data: c.data,
      accessList: c.accessList as SimulatedCall['accessList'],
      authorizationList: c.authorizationList as SimulatedCall['authorizationList'],
    }
  }
  const gasCap = (env: BlockEnv) => (node.config.RPC_GAS_CAP < env.gasLimit ? env.gasLimit : node.config.RPC_GAS_CAP)

  const fail = (r: SimulationResult): never => {
    if (r.invalid) throw new CallInvalidError({ reason: translateInvalid(r.invalid) })
    if (r.error === 'revert') throw revertError(r.returnData)
    throw new ExecutionFailedError({ reason: r.error ?? 'execution failed' })
  }

  async function estimate(call: TransactionCall, state: StateReader, env: BlockEnv): Promise<bigint> {
    let hi = call.gas ?? env.gasLimit
    if (call.gas !== undefined && call.gas > gasCap(env)) hi = gasCap(env)
    // Like geth: with a fee given, the sender's balance caps the gas it could buy.
    const feeCap = call.maxFeePerGas ?? call.gasPrice
    if (feeCap && feeCap > 0n && call.from) {
      const balance = state.getAccount(call.from.toLowerCase() as Hex)?.balance ?? 0n
      const value = call.value ?? 0n
      if (value > balance) throw new InsufficientFundsError({ balance, cost: value })
      const allowance = (balance - value) / feeCap
      if (allowance < hi) hi = allowance
    }
    const run = (gas: bigint) => simulator.simulate({ state, env, call: toSim(call, gas) })
    const first = await run(hi)
    if (!first.success) {
      if (first.invalid || first.error === 'revert') fail(first)
      throw new ExecutionFailedError({ reason: `gas required exceeds allowance (${hi})` })
    }
    // A plain transfer to a code-less account needs exactly the intrinsic 21000 (geth's shortcut).
    const to = call.to?.toLowerCase() as Hex | undefined
    if (to && (!call.data || call.data === '0x') && !call.authorizationList?.length && !call.accessList?.length) {
      const code = state.getAccount(to)?.codeHash
      if (!code || bytesToHex(code) === EMPTY_CODE_HASH) return 21_000n
    }
    // Refunds make gasUsed lower than what the tx needs up front; search from just below it.
    let lo = first.gasUsed - 1n
    // Most txs succeed with gasUsed plus the 63/64 reserve; try that before bisecting.
    const optimistic = ((first.gasUsed + 2300n) * 64n) / 63n
    if (optimistic < hi) {
      const r = await run(optimistic)
      if (r.success) hi = optimistic
      else lo = optimistic
    }
    // Exact bisection (like Anvil): the answer is the least gas with which the call succeeds.
    while (lo + 1n < hi) {
      const mid = (lo + hi) / 2n
      const r = await run(mid)
      if (r.success) hi = mid
      else lo = mid
    }
    return hi
  }

  return {
    eth_getBalance: (params) => {
      const [address, sel] = parseParams(params, [addressSchema, blockParamSchema.optional()], { minArgs: 1 })
      return numberToHex(at(sel).state.getAccount(address.toLowerCase() as Hex)?.balance ?? 0n)
    },
    eth_getTransactionCount: (params) => {
      const [address, sel] = parseParams(params, [addressSchema, blockParamSchema.optional()], { minArgs: 1 })
      const a = address.toLowerCase() as Address
      if (sel && 'blockNumber' in sel && sel.blockNumber === 'pending') return numberToHex(node.mempool.pendingNonce(a))
      return numberToHex(at(sel).state.getAccount(a)?.nonce ?? 0n)
    },
    eth_getCode: (params) => {
      const [address, sel] = parseParams(params, [addressSchema, blockParamSchema.optional()], { minArgs: 1 })
      const { state } = at(sel)
      const acct = state.getAccount(address.toLowerCase() as Hex)
      if (!acct) return '0x'
      return bytesToHex(state.getCode(bytesToHex(acct.codeHash) as Hex) ?? new Uint8Array())
    },
    eth_getStorageAt: (params) => {
      const [address, slot, sel] = parseParams(
        params,
        [addressSchema, storageSlotSchema, blockParamSchema.optional()],
        {
          minArgs: 2,
        },
      )
      const { state } = at(sel)
      const v = state.getStorage(address.toLowerCase() as Hex, pad(slot as Hex, { size: 32 }).toLowerCase() as Hex)
      return pad(bytesToHex(v) as Hex, { size: 32 })
    },
    eth_call: async (params) => {
      const [call, sel] = parseParams(params, [transactionCallSchema, blockParamSchema.optional()], { minArgs: 1 })
      const { n, state } = at(sel)
      const env = envOf(n)
      let gas = call.gas ?? gasCap(env)
      if (gas > gasCap(env)) gas = gasCap(env)
      const r = await simulator.simulate({ state, env, call: toSim(call, gas) })
      if (!r.success) fail(r)
      return r.returnData
    },
    eth_estimateGas: async (params) => {
      const [call, sel] = parseParams(params, [transactionCallSchema, blockParamSchema.optional()], { minArgs: 1 })
      const { n, state } = at(sel)
      const env = envOf(n)
      if (call.gas !== undefined && call.gas > env.gasLimit && call.gas > gasCap(env))
        throw new GasLimitExceededError({ gas: call.gas, limit: env.gasLimit })
      return numberToHex(await estimate(call, state, env))
    },
    eth_createAccessList: async (params) => {
      const [call, sel] = parseParams(params, [transactionCallSchema, blockParamSchema.optional()], { minArgs: 1 })
      const { n, state } = at(sel)
      const env = envOf(n)
      const gas = call.gas ?? gasCap(env)
      const first = await simulator.simulate({ state, env, call: toSim(call, gas), reportAccessList: true })
      if (first.invalid) fail(first)
      const accessList = (first.accessList ?? []).map((e) => ({
        address: e.address.toLowerCase(),
        storageKeys: e.storageKeys.map((k) => pad(k, { size: 32 })),
      }))
      // Gas is measured with the list in place, as a tx carrying it would pay.
      const second = await simulator.simulate({
        state,
        env,
        call: { ...toSim(call, gas), accessList: accessList as SimulatedCall['accessList'] },
      })
      const out: Record<string, unknown> = { accessList, gasUsed: numberToHex(second.gasUsed) }
      if (!second.success) out.error = second.error === 'revert' ? 'execution reverted' : second.error
      return out
    },
  }
}

/** A revert, with the Error(string) reason decoded as geth does. */
export function revertError(data: Hex): ExecutionRevertedError {
  let reason: string | undefined
  if (data.startsWith('0x08c379a0')) {
    try {
      const d = decodeErrorResult({ abi: [], data })
      reason = String(d.args?.[0] ?? '')
    } catch {}
  }
  return new ExecutionRevertedError({ data, reason })
}

/**
 * geth's TransactionArgs.CallDefaults fee rules, checked before the call object becomes a tx (ethereumjs
 * would throw an untyped error, answered -32603).
 */
function checkCallFees(c: TransactionCall): void {
  if (c.gasPrice !== undefined && (c.maxFeePerGas !== undefined || c.maxPriorityFeePerGas !== undefined))
    throw new CallInvalidError({ reason: 'both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified' })
  if (c.maxFeePerGas !== undefined && c.maxPriorityFeePerGas !== undefined && c.maxFeePerGas < c.maxPriorityFeePerGas)
    throw new CallInvalidError({
      reason: `maxFeePerGas (${numberToHex(c.maxFeePerGas)}) < maxPriorityFeePerGas (${numberToHex(c.maxPriorityFeePerGas)})`,
    })
}

function translateInvalid(msg: string): string {
  if (msg.includes("doesn't have enough funds")) return 'insufficient funds for gas * price + value'
  if (msg.includes('cannot pay baseFee') || msg.includes('less than the block'))
    return 'max fee per gas less than block base fee'
  if (msg.includes('gasLimit is too low') || msg.includes('intrinsic')) return 'intrinsic gas too low'
  return msg.split(' -> ')[0].split('(')[0].trim()
}
