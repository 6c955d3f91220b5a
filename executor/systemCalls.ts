import { Address, bigIntToBytes, hexToBytes, setLengthLeft } from '@ethereumjs/util'
import type { VM } from '@ethereumjs/vm'
import { payCoinbase } from './fastTransfer.ts'
import type { OverlayStateManager } from './state/overlayStateManager.ts'
import type { BlockEnv } from './types.ts'

const HISTORY_ADDRESS = new Address(hexToBytes('0x0000f90827f1c53a10cb7a02335b175320002935'))
const BEACON_ROOTS_ADDRESS = new Address(hexToBytes('0x000f3df6d732807ef1319fb7b8bb8522d0beac02'))

/**
 * The writes a block makes before its first transaction, as the forks define them: EIP-4788 stores
 * the parent beacon root, EIP-2935 the parent hash, each only where the system contract has code
 * (exactly what ethereumjs `runBlock` does). They are ordinary state writes of the block.
 */
export async function applySystemCalls(vm: VM, state: OverlayStateManager, env: BlockEnv): Promise<void> {
  const common = vm.common
  if (common.isActivatedEIP(4788) && (await state.getCode(BEACON_ROOTS_ADDRESS)).length > 0) {
    const len = BigInt(common.param('historicalRootsLength'))
    const index = env.timestamp % len
    await state.putStorage(BEACON_ROOTS_ADDRESS, setLengthLeft(bigIntToBytes(index), 32), bigIntToBytes(env.timestamp))
    await state.putStorage(
      BEACON_ROOTS_ADDRESS,
      setLengthLeft(bigIntToBytes(index + len), 32),
      hexToBytes(env.parentBeaconBlockRoot),
    )
  }
  if (common.isActivatedEIP(2935) && env.number > 0n && (await state.getCode(HISTORY_ADDRESS)).length > 0) {
    const window = BigInt(common.param('historyServeWindow'))
    const key = setLengthLeft(bigIntToBytes((env.number - 1n) % window), 32)
    await state.putStorage(HISTORY_ADDRESS, key, hexToBytes(env.parentHash))
  }
}

/**
 * L1 deposits credit their recipients after the system writes and before the first transaction
 * (a deposit runs no code and uses no gas; see core/deposits/depositTx.ts).
 */
export function applyDeposits(state: OverlayStateManager, env: BlockEnv): void {
  for (const d of env.deposits ?? []) payCoinbase(state, d.to.toLowerCase() as `0x${string}`, d.amount)
}
