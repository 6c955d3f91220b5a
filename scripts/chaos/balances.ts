// Exact balances, once every accepted tx is in a block: each workload recipient (a fresh address per tx) holds
// exactly its tx's value if the tx was included and nothing otherwise, and each sender holds its balance before
// the workload less the value and the gas (gasUsed × effectiveGasPrice, from the receipts) of its included txs.
import type { Address, Hash, Hex } from 'viem'
import { batchAll, type RpcClient, resultOf } from '../../bench/load/rpc.ts'
import type { ChainWatch } from './chainWatch.ts'
import type { Ledger } from './ledger.ts'

/** What the balances should be measured against. */
export type BalanceBaseline = { senders: readonly Address[]; before: readonly bigint[] }

/** Reads `addresses`' balances at the latest block. */
export async function readBalances(l2: RpcClient, addresses: readonly Address[]): Promise<bigint[]> {
  const replies = await batchAll(
    l2,
    addresses.map((a) => ({ method: 'eth_getBalance', params: [a, 'latest'] })),
    { size: 500, concurrency: 2 },
  )
  return replies.map((r) => BigInt(resultOf<Hex>(r, 'eth_getBalance')))
}

/** Compares every workload balance with what the included txs make it; one line per difference (at most 5 shown). */
export async function checkBalances(
  l2: RpcClient,
  { ledger, chain, baseline }: { ledger: Ledger; chain: ChainWatch; baseline: BalanceBaseline },
): Promise<string[]> {
  const txs = ledger.all().filter((t) => t.sends > 0)
  const included = txs.filter((t) => chain.blocksOf(t.hash).length > 0)
  const receipts = await batchAll(
    l2,
    included.map((t) => ({ method: 'eth_getTransactionReceipt', params: [t.hash] })),
    { size: 500, concurrency: 2 },
  )
  const spent = new Map<Address, bigint>()
  included.forEach((t, i) => {
    const r = resultOf<{ gasUsed: Hex; effectiveGasPrice: Hex; status: Hex }>(receipts[i], 'eth_getTransactionReceipt')
    const cost = t.value + BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice)
    spent.set(t.from, (spent.get(t.from) ?? 0n) + cost)
  })
  const out: string[] = []
  const recipients = await readBalances(
    l2,
    txs.map((t) => t.to),
  )
  txs.forEach((t, i) => {
    const want = chain.blocksOf(t.hash).length > 0 ? t.value : 0n
    if (recipients[i] !== want) out.push(`recipient ${t.to} of ${t.hash} holds ${recipients[i]}, expected ${want}`)
  })
  const after = await readBalances(l2, baseline.senders)
  baseline.senders.forEach((s, i) => {
    const want = baseline.before[i] - (spent.get(s.toLowerCase() as Address) ?? 0n)
    if (after[i] !== want) out.push(`sender ${s} holds ${after[i]}, expected ${want}`)
  })
  return out.length > 5 ? [...out.slice(0, 5), `… ${out.length} balances off in all`] : out
}

/** Waits until no workload tx is unanswered and every accepted one is in a block; the hashes still waiting, if any. */
export async function waitIncluded(
  { ledger, chain, unanswered }: { ledger: Ledger; chain: ChainWatch; unanswered: () => number },
  timeoutMs: number,
): Promise<Hash[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    await chain.scanTo().catch(() => {})
    const waiting = ledger
      .all()
      .filter((t) => (t.state === 'accepted' || t.state === 'unanswered') && chain.blocksOf(t.hash).length === 0)
      .map((t) => t.hash)
    if ((waiting.length === 0 && unanswered() === 0) || Date.now() > deadline) return waiting
    await new Promise((r) => setTimeout(r, 250))
  }
}
