import type { Address, Hex } from 'viem'
import type { PrivateKeyAccount } from 'viem/accounts'

/** Fees far above any base fee these runs reach (the base fee starts at 1 gwei): every tx is includable at once. */
export const MAX_FEE_PER_GAS = 100_000_000_000n
export const MAX_PRIORITY_FEE_PER_GAS = 1_000_000_000n

/** Signs an EIP-1559 ETH transfer with 21,000 gas (the load tool's and the chaos harness's plain transfer). */
export async function signTransfer(
  account: PrivateKeyAccount,
  { chainId, nonce, to, value }: { chainId: number; nonce: bigint; to: Address; value: bigint },
): Promise<Hex> {
  return await account.signTransaction({
    type: 'eip1559',
    chainId,
    nonce: Number(nonce),
    to,
    value,
    gas: 21_000n,
    maxFeePerGas: MAX_FEE_PER_GAS,
    maxPriorityFeePerGas: MAX_PRIORITY_FEE_PER_GAS,
  })
}
