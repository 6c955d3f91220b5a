import type { Hex } from 'viem'

/** Blocks a contract stays hot after its last conflict. */
export const HOT_BLOCKS = 32n
/** Input words (after the 4-byte selector) searched for an address that keys a hot contract's conflicts. */
const MAX_WORDS = 8

/** A tx as the hot-contract learning sees it: whom it calls, with what input. */
export type CallShape = { to: Hex | null; data: Uint8Array }

/** A speculative read of a re-executed tx that an earlier tx of another lane wrote. */
export type StaleRead = {
  /** The state key: an address (account), address + slot (storage), or `c` + address (storage cleared). */
  key: string
  /** The tx that wrote it. */
  writer: CallShape
}

/** Which contracts' txs share lanes, and how finely: learned from the merge's conflicts. */
export type HotContracts = {
  /**
   * Starts a block: forgets contracts without a conflict for {@link HOT_BLOCKS} blocks and returns each tx's hot
   * key (undefined: not hot). A hot contract's txs share one lane, or, when its conflicts follow an address in
   * the input (a router's pair argument), one lane per such address.
   */
  forBlock(number: bigint, txs: readonly CallShape[]): (i: number) => string | undefined
  /** Learns from a tx of block `number` that was re-executed at merge because of `stale` reads. */
  conflict(number: bigint, tx: CallShape & { to: Hex }, stale: readonly StaleRead[]): void
}

/**
 * Creates the learner. A contract becomes hot when a tx calling it is re-executed at merge; its later txs then
 * run in one lane, in order, instead of conflicting again. Many hot contracts are routers whose txs conflict
 * only when they name the same pool: the conflicting reads then belong to a contract whose address is one of the
 * tx's input words. Such a word position is learned (`offsets`), unless two txs that conflicted had different
 * addresses there (`refuted`), and the contract's txs get one lane per address found there. A wrong guess only
 * costs re-executions, which the merge's read check catches and this learner then corrects; it never changes a
 * result.
 */
export function createHotContracts(): HotContracts {
  const until = new Map<Hex, bigint>()
  const offsets = new Map<Hex, Set<number>>()
  const refuted = new Map<Hex, Set<number>>()
  const setOf = (m: Map<Hex, Set<number>>, to: Hex) => {
    let s = m.get(to)
    if (!s) m.set(to, (s = new Set()))
    return s
  }
  return {
    forBlock(number, txs) {
      for (const [to, last] of until)
        if (last < number) {
          until.delete(to)
          offsets.delete(to)
          refuted.delete(to)
        }
      // Per hot contract with learned positions: the one that splits this block's txs the finest.
      const callers = new Map<Hex, CallShape[]>()
      for (const t of txs)
        if (t.to && offsets.has(t.to)) {
          let list = callers.get(t.to)
          if (!list) callers.set(t.to, (list = []))
          list.push(t)
        }
      const chosen = new Map<Hex, number>()
      for (const [to, list] of callers) {
        const no = refuted.get(to)
        let best = -1
        let bestCount = 1
        for (const k of offsets.get(to)!) {
          if (no?.has(k)) continue
          const seen = new Set<string>()
          for (const t of list) seen.add(addressWord(t.data, k) ?? '')
          if (seen.size > bestCount) {
            best = k
            bestCount = seen.size
          }
        }
        if (best >= 0) chosen.set(to, best)
      }
      return (i) => {
        const to = txs[i].to
        if (!to || !until.has(to)) return undefined
        const k = chosen.get(to)
        const word = k === undefined ? undefined : addressWord(txs[i].data, k)
        return word === undefined ? to : `${to}:${word}`
      }
    },
    conflict(number, tx, stale) {
      until.set(tx.to, number + HOT_BLOCKS)
      const contracts = new Set(stale.map((s) => contractOf(s.key)))
      for (let k = 0; k < MAX_WORDS; k++) {
        const word = addressWord(tx.data, k)
        if (word !== undefined && contracts.has(word)) setOf(offsets, tx.to).add(k)
        // a writer calling the same contract with another address there (or none) conflicted all the same
        for (const s of stale)
          if (s.writer.to === tx.to && addressWord(s.writer.data, k) !== word) setOf(refuted, tx.to).add(k)
      }
    },
  }
}

/** The contract a state key belongs to. */
function contractOf(key: string): string {
  return key.startsWith('c') ? key.slice(1, 43) : key.slice(0, 42)
}

/** Input word `k` (after the selector) as a lowercase address, when it could hold one (12 zero bytes, then not zero). */
export function addressWord(data: Uint8Array, k: number): Hex | undefined {
  const start = 4 + 32 * k
  if (data.length < start + 32) return undefined
  for (let b = start; b < start + 12; b++) if (data[b] !== 0) return undefined
  let nonZero = false
  let hex = '0x'
  for (let b = start + 12; b < start + 32; b++) {
    const v = data[b]
    if (v !== 0) nonZero = true
    hex += HEX[v]
  }
  return nonZero ? (hex as Hex) : undefined
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
