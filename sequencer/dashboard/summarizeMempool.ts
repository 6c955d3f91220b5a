import type { Address } from 'viem'
import type { Mempool } from '../mempool/mempool.ts'

/** The pool at a glance: pending (executable now) and queued (behind a nonce gap) counts, the busiest senders. */
export type MempoolView = {
  pending: number
  queued: number
  senders: number
  topSenders: { address: Address; pending: number; queued: number }[]
}

/** Summarizes the pool, with the `top` senders holding the most txs. */
export function summarizeMempool(mempool: Pick<Mempool, 'content'>, top = 5): MempoolView {
  const { pending, queued } = mempool.content()
  const bySender = new Map<Address, { address: Address; pending: number; queued: number }>()
  const entry = (address: Address) => {
    let e = bySender.get(address)
    if (!e) bySender.set(address, (e = { address, pending: 0, queued: 0 }))
    return e
  }
  for (const tx of pending) entry(tx.sender).pending++
  for (const tx of queued) entry(tx.sender).queued++
  const topSenders = [...bySender.values()]
    .sort((a, b) => b.pending + b.queued - (a.pending + a.queued) || (a.address < b.address ? -1 : 1))
    .slice(0, top)
  return { pending: pending.length, queued: queued.length, senders: bySender.size, topSenders }
}
