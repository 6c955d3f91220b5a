// L1 deposits sent during a scenario, each to a fresh L2 address: once L2 has caught up, each recipient must hold
// exactly its deposit — zero means the deposit was lost, twice means it was credited twice.
import { type Address, createWalletClient, defineChain, type Hash, type Hex, http } from 'viem'
import { batchAll, type RpcClient, resultOf } from '../../bench/load/rpc.ts'
import { depositBridgeAbi } from '../../contracts/generated/DepositBridge.ts'
import { DEPOSITOR_INDEX, depositRecipient, devAccount } from './accounts.ts'
import { L1_CHAIN_ID } from './devnet.ts'

/** One deposit the harness made. */
export type DepositRecord = { l1TxHash: Hash; to: Address; amount: bigint; scenario: string }

/** Where the deposits stand on L2. */
export type DepositCheck = { credited: number; missing: DepositRecord[]; doubled: DepositRecord[] }

/** The deposits of a run. */
export type Deposits = {
  /** Sends one deposit on L1 and resolves once L1 accepted it (not yet mined). */
  send(scenario: string): Promise<DepositRecord>
  all(): readonly DepositRecord[]
  /** Reads every recipient's L2 balance. */
  check(): Promise<DepositCheck>
}

/** Creates the deposit sender for the bridge at `bridge` on the L1 at `l1Url`, checked against node `l2`. */
export function createDeposits({
  l1Url,
  bridge,
  l2,
  seed,
}: {
  l1Url: string
  bridge: Address
  l2: RpcClient
  seed: string
}): Deposits {
  const chain = defineChain({
    id: L1_CHAIN_ID,
    name: 'chaos L1',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [l1Url] } },
  })
  const wallet = createWalletClient({ chain, account: devAccount(DEPOSITOR_INDEX), transport: http(l1Url) })
  const records: DepositRecord[] = []
  return {
    async send(scenario) {
      const k = records.length
      const to = depositRecipient(seed, k)
      const amount = 10_000_000_000_000_000n + BigInt(k)
      const l1TxHash = await wallet.writeContract({
        address: bridge,
        abi: depositBridgeAbi,
        functionName: 'deposit',
        args: [to],
        value: amount,
      })
      const r = { l1TxHash, to, amount, scenario }
      records.push(r)
      return r
    },
    all: () => records,
    async check() {
      const replies = await batchAll(
        l2,
        records.map((r) => ({ method: 'eth_getBalance', params: [r.to, 'latest'] })),
      )
      const out: DepositCheck = { credited: 0, missing: [], doubled: [] }
      records.forEach((r, i) => {
        const balance = BigInt(resultOf<Hex>(replies[i], 'eth_getBalance'))
        if (balance === r.amount) out.credited++
        else if (balance === 0n) out.missing.push(r)
        else out.doubled.push(r)
      })
      return out
    },
  }
}
