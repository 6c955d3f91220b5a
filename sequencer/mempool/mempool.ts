import type { Address, Hash } from 'viem'
import {
  AccountLimitExceededError,
  AlreadyKnownError,
  InsufficientFundsError,
  NonceTooHighError,
  NonceTooLowError,
  ReplacementUnderpricedError,
  TxPoolOverflowError,
} from '../../core/errors/tx.ts'
import type { Logger } from '../../core/log/logger.ts'
import { effectiveTip, type PooledTx } from './pooledTx.ts'

/**
 * The transaction pool.
 *
 * Each sender has one nonce-ordered queue. The txs from the sender's state nonce up to the first gap
 * are *pending* (executable now, subject to the base fee); the rest are *queued* and wait for the gap
 * to fill (at most `maxNonceGap` ahead). A tx moves queued → pending when the gap before it is filled
 * (by a new tx or by a block); pending → gone when included, replaced, evicted, or made stale by the
 * state (nonce passed, balance no longer covers it). A same-nonce tx replaces the old one only if both
 * its fee cap and its tip rise by `priceBumpPercent`. When the pool is full the cheapest tx (lowest
 * fee cap, a sender's highest nonce so no gap opens) is evicted in favour of a better-paying one.
 */
export type Mempool = {
  /** Validates pool rules for an already stateless-valid tx and adds it; returns the replaced tx, if any. */
  add(tx: PooledTx): { replaced?: PooledTx }
  get(hash: Hash): PooledTx | undefined
  has(hash: Hash): boolean
  /** The next nonce for `sender` counting its contiguous pool txs (the 'pending' block tag). */
  pendingNonce(sender: Address): bigint
  /**
   * Best executable txs for a block: highest effective tip first, nonce order per sender. `full`: a
   * cap (gas or count) left out a tx that could otherwise have gone in, so the next block has work.
   */
  select(params: { baseFee: bigint; maxGas: bigint; maxTxs: number }): { txs: PooledTx[]; full: boolean }
  /** Whether any tx could go into a block at `baseFee`. */
  hasExecutable(baseFee: bigint): boolean
  /** After a block: drops included and stale txs for the given senders; returns the dropped ones. */
  reconcile(senders: Iterable<Address>): PooledTx[]
  remove(hash: Hash): PooledTx | undefined
  content(): { pending: PooledTx[]; queued: PooledTx[] }
  size(): number
}

/** Account data the pool needs from the head state. */
export type PoolStateReader = { nonce(address: Address): bigint; balance(address: Address): bigint }

/** Dependencies and limits of {@link createMempool}. */
export type MempoolDeps = {
  state: PoolStateReader
  log: Logger
  maxTxs: number
  maxPerSender: number
  maxNonceGap: number
  priceBumpPercent: number
  /** Called for each tx evicted to make room (the intake deletes it from the durable pool). */
  onEvict?: (tx: PooledTx) => void
}

/** Creates an empty pool. */
export function createMempool({
  state,
  log,
  maxTxs,
  maxPerSender,
  maxNonceGap,
  priceBumpPercent,
  onEvict,
}: MempoolDeps): Mempool {
  const byHash = new Map<Hash, PooledTx>()
  const bySender = new Map<Address, Map<bigint, PooledTx>>()

  function removeTx(tx: PooledTx): void {
    byHash.delete(tx.hash)
    const q = bySender.get(tx.sender)
    if (q?.get(tx.nonce) === tx) {
      q.delete(tx.nonce)
      if (q.size === 0) bySender.delete(tx.sender)
    }
  }

  function pendingNonce(sender: Address): bigint {
    let n = state.nonce(sender)
    const q = bySender.get(sender)
    if (q) while (q.has(n)) n++
    return n
  }

  /** The cheapest evictable tx: lowest fee cap among each sender's highest-nonce tx. */
  function cheapest(): PooledTx | undefined {
    let worst: PooledTx | undefined
    for (const q of bySender.values()) {
      let top: PooledTx | undefined
      for (const t of q.values()) if (!top || t.nonce > top.nonce) top = t
      if (top && (!worst || top.feeCap < worst.feeCap)) worst = top
    }
    return worst
  }

  /**
   * geth's balance checks: the tx alone, then the tx on top of everything the sender's pool txs may
   * spend (a replacement adds only its cost above the tx it replaces), so no nonce run can overdraw.
   */
  function checkFunds(tx: PooledTx, next: bigint, q: Map<bigint, PooledTx> | undefined, old: PooledTx | undefined) {
    const balance = state.balance(tx.sender)
    if (balance < tx.cost) throw new InsufficientFundsError({ balance, cost: tx.cost })
    if (!q) return
    let queued = 0n
    for (const t of q.values()) if (t.nonce >= next) queued += t.cost
    if (old) {
      const bump = tx.cost - old.cost
      if (balance < queued + bump) throw new InsufficientFundsError({ balance, queued, bump })
    } else if (balance < queued + tx.cost) throw new InsufficientFundsError({ balance, queued, cost: tx.cost })
  }

  return {
    add(tx) {
      if (byHash.has(tx.hash)) throw new AlreadyKnownError()
      const next = state.nonce(tx.sender)
      if (tx.nonce < next) throw new NonceTooLowError({ next, nonce: tx.nonce })
      // The gap is counted from the pending nonce (state nonce + the sender's contiguous pool txs), as
      // eth_getTransactionCount(pending) reports it: a sender may chain up to MEMPOOL_MAX_PER_SENDER txs.
      if (tx.nonce > next + BigInt(maxNonceGap)) {
        const pending = pendingNonce(tx.sender)
        if (tx.nonce > pending + BigInt(maxNonceGap))
          throw new NonceTooHighError({ next: pending, nonce: tx.nonce, maxGap: maxNonceGap })
      }
      let q = bySender.get(tx.sender)
      const old = q?.get(tx.nonce)
      checkFunds(tx, next, q, old)
      if (old) {
        const bump = BigInt(100 + priceBumpPercent)
        if (tx.feeCap * 100n < old.feeCap * bump || tx.tip * 100n < old.tip * bump)
          throw new ReplacementUnderpricedError({ bumpPercent: priceBumpPercent })
      } else {
        if (q && q.size >= maxPerSender) throw new AccountLimitExceededError({ count: q.size, limit: maxPerSender })
        if (byHash.size >= maxTxs) {
          const victim = cheapest()
          if (!victim || victim.feeCap >= tx.feeCap || victim.sender === tx.sender)
            throw new TxPoolOverflowError({ reason: `pool holds ${byHash.size} txs and none pays less than this one` })
          removeTx(victim)
          log.info({ evicted: victim.hash, by: tx.hash }, 'evicted cheapest tx from full pool')
          q = bySender.get(tx.sender)
          onEvict?.(victim)
        }
      }
      if (!q) bySender.set(tx.sender, (q = new Map()))
      if (old) byHash.delete(old.hash)
      q.set(tx.nonce, tx)
      byHash.set(tx.hash, tx)
      return old ? { replaced: old } : {}
    },
    get: (hash) => byHash.get(hash),
    has: (hash) => byHash.has(hash),
    pendingNonce,
    select({ baseFee, maxGas, maxTxs: limit }) {
      // Heads of each sender's executable run, then repeatedly take the best head (geth's
      // price-and-nonce ordering). A sender whose head cannot pay the base fee is skipped whole.
      const heads: { tx: PooledTx; tip: bigint }[] = []
      const cursors = new Map<Address, bigint>()
      for (const [sender, q] of bySender) {
        const n = state.nonce(sender)
        const tx = q.get(n)
        if (tx && tx.feeCap >= baseFee) {
          heads.push({ tx, tip: effectiveTip(tx, baseFee) })
          cursors.set(sender, n)
        }
      }
      const heap = createHeap(heads)
      const out: PooledTx[] = []
      let gas = 0n
      let full = false
      while (true) {
        const best = heap.pop()
        if (!best) break
        if (out.length >= limit) {
          full = true
          break
        }
        if (gas + best.tx.gasLimit > maxGas) {
          full = true
          continue
        }
        out.push(best.tx)
        gas += best.tx.gasLimit
        const nextNonce = (cursors.get(best.tx.sender) ?? 0n) + 1n
        cursors.set(best.tx.sender, nextNonce)
        const nxt = bySender.get(best.tx.sender)?.get(nextNonce)
        if (nxt && nxt.feeCap >= baseFee) heap.push({ tx: nxt, tip: effectiveTip(nxt, baseFee) })
      }
      return { txs: out, full }
    },
    hasExecutable(baseFee) {
      for (const [sender, q] of bySender) {
        const tx = q.get(state.nonce(sender))
        if (tx && tx.feeCap >= baseFee) return true
      }
      return false
    },
    reconcile(senders) {
      const dropped: PooledTx[] = []
      for (const sender of senders) {
        const q = bySender.get(sender)
        if (!q) continue
        const nonce = state.nonce(sender)
        const balance = state.balance(sender)
        for (const tx of [...q.values()]) {
          if (tx.nonce < nonce || tx.cost > balance) {
            removeTx(tx)
            dropped.push(tx)
          }
        }
      }
      return dropped
    },
    remove(hash) {
      const tx = byHash.get(hash)
      if (tx) removeTx(tx)
      return tx
    },
    content() {
      const pending: PooledTx[] = []
      const queued: PooledTx[] = []
      for (const [sender, q] of bySender) {
        const n = state.nonce(sender)
        let expect = n
        for (const tx of [...q.values()].sort((a, b) => (a.nonce < b.nonce ? -1 : 1))) {
          if (tx.nonce === expect) {
            pending.push(tx)
            expect++
          } else queued.push(tx)
        }
      }
      return { pending, queued }
    },
    size: () => byHash.size,
  }
}

type HeapItem = { tx: PooledTx; tip: bigint }

function better(a: HeapItem, b: HeapItem): boolean {
  return a.tip > b.tip || (a.tip === b.tip && a.tx.seq < b.tx.seq)
}

function createHeap(items: HeapItem[]) {
  const h = items
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!better(h[i], h[p])) break
      ;[h[i], h[p]] = [h[p], h[i]]
      i = p
    }
  }
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && better(h[l], h[m])) m = l
      if (r < h.length && better(h[r], h[m])) m = r
      if (m === i) break
      ;[h[i], h[m]] = [h[m], h[i]]
      i = m
    }
  }
  for (let i = (h.length >> 1) - 1; i >= 0; i--) down(i)
  return {
    push(x: HeapItem) {
      h.push(x)
      up(h.length - 1)
    },
    pop(): HeapItem | undefined {
      if (h.length === 0) return undefined
      const top = h[0]
      const last = h.pop()!
      if (h.length > 0) {
        h[0] = last
        down(0)
      }
      return top
    },
  }
}
