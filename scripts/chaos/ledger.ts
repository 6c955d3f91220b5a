// The accounting: every transaction the workload signed, what the node answered, and — at each check — where the
// transaction is now. A transaction counts as *accepted* once the node returned its hash (or, on a resend after a
// lost answer, said it already had it: 'already known' while pooled, 'nonce too low' once mined). An accepted
// transaction must be, at every later check, either in exactly one block or in the pool:
//
//   lost        accepted, but in no block and not in the pool
//   duplicated  in two blocks, or its (sender, nonce) in two blocks, or in a block and still in the pool
//
// A check reads the pool and the head in one JSON-RPC batch (both answered in the same event-loop turn, so no block
// lands between them), reads the blocks up to that head, and judges only the transactions accepted before it.
import type { Address, Hash, Hex } from 'viem'
import type { RpcClient } from '../../bench/load/rpc.ts'
import type { ChainWatch } from './chainWatch.ts'

/** Where one signed transaction stands with the node. */
export type TxState = 'unsent' | 'unanswered' | 'accepted' | 'refused'

/** One transaction of the workload. */
export type LedgerTx = {
  hash: Hash
  raw: Hex
  from: Address
  sender: number
  nonce: bigint
  to: Address
  value: bigint
  /** the scenario running when it was first sent */
  scenario: string
  state: TxState
  /** how its acceptance was learnt */
  acceptedBy?: 'hash' | 'already known' | 'nonce too low'
  /** Date.now() when the answer that accepted it arrived */
  acceptedAt?: number
  /** the node's answer when it refused it */
  refusal?: string
  /** times it was sent (more than once after an unanswered request) */
  sends: number
}

/** What one check found. */
export type CheckResult = {
  /** accepted and in exactly one block */
  included: number
  /** accepted and in the pool */
  pending: number
  /** accepted and nowhere: never allowed */
  lost: LedgerTx[]
  /** in two blocks, or in a block and in the pool: never allowed */
  duplicated: LedgerTx[]
  head: bigint
}

/** Counts for one scenario's row of the table. */
export type ScenarioCounts = {
  sent: number
  accepted: number
  included: number
  refused: number
  lost: number
  duplicated: number
}

/** The ledger of a run. */
export type Ledger = {
  add(tx: Omit<LedgerTx, 'state' | 'sends'>): LedgerTx
  get(hash: Hash): LedgerTx | undefined
  all(): readonly LedgerTx[]
  /** Reads the pool and head, the blocks up to it, and judges every accepted tx; lost/duplicated ones are remembered. */
  check(): Promise<CheckResult>
  /** Counts of the txs first sent during `scenario` (lost and duplicated: found so far, by any check). */
  counts(scenario: string): ScenarioCounts
  /** Every tx any check found lost or duplicated. */
  lost(): readonly LedgerTx[]
  duplicated(): readonly LedgerTx[]
}

type Pool = {
  pending: Record<string, Record<string, { hash: Hash }>>
  queued: Record<string, Record<string, { hash: Hash }>>
}

/** Creates the ledger of a run against node `l2`, whose blocks `chain` reads. */
export function createLedger({ l2, chain }: { l2: RpcClient; chain: ChainWatch }): Ledger {
  const txs = new Map<Hash, LedgerTx>()
  const lost = new Map<Hash, LedgerTx>()
  const duplicated = new Map<Hash, LedgerTx>()

  return {
    add(tx) {
      const t: LedgerTx = { ...tx, hash: tx.hash.toLowerCase() as Hash, state: 'unsent', sends: 0 }
      txs.set(t.hash, t)
      return t
    },
    get: (hash) => txs.get(hash.toLowerCase() as Hash),
    all: () => [...txs.values()],
    async check() {
      const takenAt = Date.now()
      const [headReply, poolReply] = await l2.batch([
        { method: 'eth_blockNumber', params: [] },
        { method: 'txpool_content', params: [] },
      ])
      if (headReply.error || poolReply.error)
        throw new Error(`check: ${(headReply.error ?? poolReply.error)?.message ?? 'no answer'}`)
      const head = BigInt(headReply.result as Hex)
      const pool = new Set<Hash>()
      const content = poolReply.result as Pool
      for (const part of [content.pending, content.queued])
        for (const byNonce of Object.values(part))
          for (const t of Object.values(byNonce)) pool.add(t.hash.toLowerCase() as Hash)
      await chain.scanTo(head)
      const result: CheckResult = { included: 0, pending: 0, lost: [], duplicated: [], head }
      for (const t of txs.values()) {
        if (t.state !== 'accepted' || t.acceptedAt === undefined || t.acceptedAt > takenAt) continue
        const blocks = chain.blocksOf(t.hash)
        const pooled = pool.has(t.hash)
        if (blocks.length > 1 || (blocks.length === 1 && pooled) || chain.duplicates().has(t.hash)) {
          result.duplicated.push(t)
          duplicated.set(t.hash, t)
        } else if (blocks.length === 1) result.included++
        else if (pooled) result.pending++
        else {
          result.lost.push(t)
          lost.set(t.hash, t)
        }
      }
      return result
    },
    counts(scenario) {
      const c: ScenarioCounts = { sent: 0, accepted: 0, included: 0, refused: 0, lost: 0, duplicated: 0 }
      for (const t of txs.values()) {
        if (t.scenario !== scenario || t.sends === 0) continue
        c.sent++
        if (t.state === 'accepted') c.accepted++
        if (t.state === 'refused') c.refused++
        if (chain.blocksOf(t.hash).length > 0) c.included++
        if (lost.has(t.hash)) c.lost++
        if (duplicated.has(t.hash)) c.duplicated++
      }
      return c
    },
    lost: () => [...lost.values()],
    duplicated: () => [...duplicated.values()],
  }
}
