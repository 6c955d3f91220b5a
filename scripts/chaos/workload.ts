// The normal workload that runs through every scenario: fresh senders sending ETH transfers, each to a fresh
// recipient, at a steady rate, in JSON-RPC batches, one request at a time (so each sender's nonces reach the node
// in order). A request that gets no answer (the node was killed, refused the connection) leaves its txs
// *unanswered*: they are sent again, the same bytes, first thing once the node answers, and the answer to the
// resend settles them. A sender runs at most `maxAhead` txs ahead of its last included one.
import { type Address, keccak256 } from 'viem'
import type { PrivateKeyAccount } from 'viem/accounts'
import { type RpcClient, RpcTransportError } from '../../bench/load/rpc.ts'
import { recipientOf, signTransfer } from './accounts.ts'
import type { ChainWatch } from './chainWatch.ts'
import type { Ledger, LedgerTx } from './ledger.ts'

/** The value of sender `i`'s tx with nonce `n` (distinct values, so a balance tells which txs arrived). */
export const transferValue = (i: number, nonce: bigint) => 1_000_000_000_000n + BigInt(i) * 1_000n + nonce

/** Parameters of {@link createWorkload}. */
export type CreateWorkloadParameters = {
  l2: RpcClient
  chainId: number
  seed: string
  senders: readonly PrivateKeyAccount[]
  ledger: Ledger
  chain: ChainWatch
  /** txs per second, all senders together */
  rate: number
  /** a sender's next tx waits while this many of its txs are not yet in a block */
  maxAhead: number
  /** the scenario label new txs get */
  scenario(): string
}

/** A running workload. */
export type Workload = {
  start(): void
  /** Stops signing new txs; unanswered ones are still sent again until settled. */
  pause(): void
  resume(): void
  /** Stops the loop (after the request in flight). */
  stop(): Promise<void>
  /** Unanswered txs waiting to be sent again. */
  unanswered(): number
  /** Every answer that refused a workload tx: never expected, since the workload only sends valid txs. */
  refusals(): readonly string[]
  /** Transport failures (requests with no answer). */
  transportErrors(): number
}

const TICK_MS = 50
const MAX_BATCH = 200
/** a request unanswered this long counts as unanswered (a node that hangs rather than dies) */
const REQUEST_TIMEOUT_MS = 20_000

/** Creates the workload; nothing is sent until `start()`. */
export function createWorkload(p: CreateWorkloadParameters): Workload {
  const { l2, ledger, chain } = p
  const n = p.senders.length
  const nextNonce = new Array<bigint>(n).fill(0n)
  const included = new Array<number>(n).fill(0)
  const resend: LedgerTx[] = []
  const refusals: string[] = []
  let transportErrors = 0
  let paused = false
  let stopped = false
  let loop: Promise<void> | undefined
  let budget = 0
  let rr = 0

  chain.onTx((hash) => {
    const t = ledger.get(hash)
    if (t) included[t.sender]++
  })

  const sign = async (i: number): Promise<LedgerTx> => {
    const nonce = nextNonce[i]++
    const to = recipientOf(p.seed, i, nonce)
    const value = transferValue(i, nonce)
    const raw = await signTransfer(p.senders[i], { chainId: p.chainId, nonce, to, value })
    return ledger.add({
      hash: keccak256(raw),
      raw,
      from: p.senders[i].address.toLowerCase() as Address,
      sender: i,
      nonce,
      to,
      value,
      scenario: p.scenario(),
    })
  }

  const settle = (t: LedgerTx, reply: { result?: unknown; error?: { code: number; message: string } }) => {
    const now = Date.now()
    const wasUnanswered = t.state === 'unanswered'
    if (reply.result !== undefined && String(reply.result).toLowerCase() === t.hash) {
      t.state = 'accepted'
      t.acceptedBy = 'hash'
      t.acceptedAt = now
    } else if (reply.error?.message === 'already known') {
      t.state = 'accepted'
      t.acceptedBy = 'already known'
      t.acceptedAt = now
    } else if (wasUnanswered && reply.error?.message.startsWith('nonce too low')) {
      // only this tx was ever signed for this nonce: the node mined it before the answer was lost
      t.state = 'accepted'
      t.acceptedBy = 'nonce too low'
      t.acceptedAt = now
    } else {
      t.state = 'refused'
      t.refusal = reply.error
        ? `${reply.error.code} ${reply.error.message}`
        : `unexpected result ${String(reply.result)}`
      refusals.push(`${t.hash} (sender ${t.sender} nonce ${t.nonce}): ${t.refusal}`)
    }
  }

  const tick = async () => {
    const batch: LedgerTx[] = resend.splice(0, MAX_BATCH)
    if (!paused) {
      budget = Math.min(budget + (p.rate * TICK_MS) / 1000, MAX_BATCH)
      for (let k = 0; k < n && batch.length < MAX_BATCH && budget >= 1; k++) {
        const i = (rr + k) % n
        if (Number(nextNonce[i]) - included[i] >= p.maxAhead) continue
        batch.push(await sign(i))
        budget--
      }
      rr = (rr + 1) % n
    }
    if (batch.length === 0) return
    for (const t of batch) t.sends++
    try {
      const replies = await l2.batch(
        batch.map((t) => ({ method: 'eth_sendRawTransaction', params: [t.raw] })),
        { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
      )
      batch.forEach((t, j) => {
        settle(t, replies[j])
      })
    } catch (err) {
      if (!(err instanceof RpcTransportError)) throw err
      transportErrors++
      for (const t of batch) t.state = 'unanswered'
      resend.unshift(...batch)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  const run = async () => {
    while (!stopped) {
      const t0 = Date.now()
      await tick()
      const left = TICK_MS - (Date.now() - t0)
      if (left > 0) await new Promise((r) => setTimeout(r, left))
    }
  }

  return {
    start() {
      stopped = false
      loop ??= run()
    },
    pause() {
      paused = true
    },
    resume() {
      paused = false
    },
    async stop() {
      stopped = true
      await loop
      loop = undefined
    },
    unanswered: () => resend.length,
    refusals: () => refusals,
    transportErrors: () => transportErrors,
  }
}
