// The L2 chain as the harness has seen it: the hash of every block it read, and in which blocks each transaction
// and each (sender, nonce) appeared. Blocks are read once, in order, with their transactions; `recheck` reads the
// hashes of every block seen so far again and reports any that changed or vanished (a rewritten or lost block).
import type { Address, Hash, Hex } from 'viem'
import { batchAll, type RpcClient, resultOf } from '../../bench/load/rpc.ts'

/** A transaction as `eth_getBlockByNumber(n, true)` lists it (the fields the watch needs). */
type BlockTx = { hash: Hash; from: Address; nonce: Hex; type: Hex }
type Block = { number: Hex; hash: Hash; parentHash: Hash; transactions: BlockTx[] }

/** The deposit transaction type: no sender nonce of its own. */
const DEPOSIT_TYPE = '0x7e'
const BLOCKS_PER_REQUEST = 50
const HASHES_PER_REQUEST = 500

/** Everything the watch has read, and what it found wrong. */
export type ChainWatch = {
  /** Reads the blocks after the last one read, up to `head` (default: the node's head now). */
  scanTo(head?: bigint): Promise<bigint>
  /** The highest block read. */
  scanned(): bigint
  /** Block numbers in which `hash` appeared. */
  blocksOf(hash: Hash): readonly number[]
  /** The hash the watch recorded for block `n`. */
  hashOf(n: number): Hash | undefined
  /**
   * Reads every recorded block's hash again; returns one line per block that is gone or differs. A block found
   * rewritten is recorded anew, so each rewrite is reported once.
   */
  recheck(): Promise<string[]>
  /** Problems found while reading: a block whose parent is not the recorded previous block, a (sender, nonce) in two blocks. */
  problems(): readonly string[]
  /** Transactions seen in two blocks, or two transactions of one sender with one nonce. */
  duplicates(): ReadonlySet<Hash>
  /** Called for each transaction as its block is read. */
  onTx(fn: (hash: Hash, block: number) => void): void
}

/** Creates a watch over the node `l2`; it reads nothing until `scanTo`. */
export function createChainWatch(l2: RpcClient): ChainWatch {
  const hashes = new Map<number, Hash>()
  const txBlocks = new Map<Hash, number[]>()
  const bySenderNonce = new Map<string, Hash>()
  const problems: string[] = []
  const duplicates = new Set<Hash>()
  const listeners: ((hash: Hash, block: number) => void)[] = []
  let scanned = -1
  let scanning: Promise<bigint> | undefined

  const record = (b: Block) => {
    const n = Number(BigInt(b.number))
    const parent = hashes.get(n - 1)
    if (n > 0 && parent !== undefined && parent !== b.parentHash)
      problems.push(`block ${n}'s parent is ${b.parentHash}, but block ${n - 1} was read as ${parent}`)
    hashes.set(n, b.hash)
    for (const tx of b.transactions) {
      const h = tx.hash.toLowerCase() as Hash
      const seen = txBlocks.get(h)
      if (seen) {
        seen.push(n)
        duplicates.add(h)
        problems.push(`tx ${h} is in blocks ${seen.join(' and ')}`)
      } else txBlocks.set(h, [n])
      if (tx.type !== DEPOSIT_TYPE) {
        const key = `${tx.from.toLowerCase()}:${BigInt(tx.nonce)}`
        const other = bySenderNonce.get(key)
        if (other && other !== h) {
          duplicates.add(h).add(other)
          problems.push(`sender ${tx.from} nonce ${BigInt(tx.nonce)} is in two txs: ${other} and ${h}`)
        } else bySenderNonce.set(key, h)
      }
      for (const fn of listeners) fn(h, n)
    }
    scanned = n
  }

  const scanOnce = async (target?: bigint): Promise<bigint> => {
    const head = target ?? BigInt(await l2.call<Hex>('eth_blockNumber'))
    while (BigInt(scanned) < head) {
      const from = scanned + 1
      const to = Math.min(Number(head), from + BLOCKS_PER_REQUEST - 1)
      const calls = []
      for (let n = from; n <= to; n++)
        calls.push({ method: 'eth_getBlockByNumber', params: [`0x${n.toString(16)}`, true] })
      const replies = await l2.batch(calls)
      for (const r of replies) {
        const b = resultOf<Block | null>(r, 'eth_getBlockByNumber')
        // the head moved back (a restart that lost blocks): recheck() says so; read what exists
        if (!b) return BigInt(scanned)
        record(b)
      }
    }
    return BigInt(scanned)
  }

  return {
    scanTo(head) {
      // one scan at a time; a caller with a target waits for the one running, then scans on
      const run = async () => {
        await scanning?.catch(() => {})
        return await scanOnce(head)
      }
      const p = run()
      scanning = p
      return p
    },
    scanned: () => BigInt(scanned),
    blocksOf: (hash) => txBlocks.get(hash.toLowerCase() as Hash) ?? [],
    hashOf: (n) => hashes.get(n),
    async recheck() {
      const numbers = [...hashes.keys()]
      const calls = numbers.map((n) => ({ method: 'eth_getBlockByNumber', params: [`0x${n.toString(16)}`, false] }))
      const replies = await batchAll(l2, calls, { size: HASHES_PER_REQUEST, concurrency: 2 })
      const out: string[] = []
      replies.forEach((r, i) => {
        const n = numbers[i]
        const b = resultOf<{ hash: Hash } | null>(r, 'eth_getBlockByNumber')
        if (!b) out.push(`block ${n} (${hashes.get(n)}) is gone`)
        else if (b.hash !== hashes.get(n)) {
          out.push(`block ${n} was ${hashes.get(n)}, is now ${b.hash}`)
          hashes.set(n, b.hash)
        }
      })
      return out
    },
    problems: () => problems,
    duplicates: () => duplicates,
    onTx(fn) {
      listeners.push(fn)
    },
  }
}
