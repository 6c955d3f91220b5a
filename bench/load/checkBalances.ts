import { type Address, encodeFunctionData, erc20Abi, type Hex } from 'viem'
import { batchAll, type RpcClient, resultOf } from './rpc.ts'
import type { BalanceCheck } from './workloads.ts'

/** Reads the balance each check names (ETH, or `balanceOf` on its token) at the latest block. */
export async function readBalances(rpc: RpcClient, checks: readonly BalanceCheck[]): Promise<bigint[]> {
  const calls = checks.map((c) =>
    c.token
      ? {
          method: 'eth_call',
          params: [
            {
              to: c.token,
              data: encodeFunctionData({ abi: erc20Abi, functionName: 'balanceOf', args: [c.holder as Address] }),
            },
            'latest',
          ],
        }
      : { method: 'eth_getBalance', params: [c.holder, 'latest'] },
  )
  const replies = await batchAll(rpc, calls, { size: 100, concurrency: 4 })
  return replies.map((r, i) => BigInt(resultOf<Hex>(r, calls[i].method)))
}

/** Compares balances after a run with those before it; returns one line per check that does not hold. */
export function balanceMismatches(
  checks: readonly BalanceCheck[],
  before: readonly bigint[],
  after: readonly bigint[],
): string[] {
  const out: string[] = []
  checks.forEach((c, i) => {
    const delta = after[i] - before[i]
    if (delta !== c.delta)
      out.push(`${c.token ? `token ${c.token} ` : 'ETH '}balance of ${c.holder} moved by ${delta}, expected ${c.delta}`)
  })
  return out
}
