// The receipt poller: watches the head and fetches eth_getBlockReceipts for every new block (several
// blocks per JSON-RPC batch), noting when it first saw each of the run's txs. That costs one request
// per poll instead of one receipt lookup per pending tx; against a node without eth_getBlockReceipts
// (-32601) it falls back to eth_getTransactionReceipt for the pending hashes, in batches.
import type { Hash, Hex } from 'viem'
import { RpcCallError, type RpcClient, RpcTransportError } from './rpc.ts'

/** Status of a watched tx: not seen yet, seen with status 0x0, seen with status 0x1. */
export const UNSEEN = -1
export const FAILED = 0
export const SUCCEEDED = 1

/** A running poller over a fixed list of tx hashes. */
export type ReceiptPoller = {
  /** performance.now() ms when the poller first saw each tx's receipt; NaN while unseen */
  seenAt: Float64Array
  /** UNSEEN | FAILED | SUCCEEDED per tx */
  status: Int8Array
  /** block number of each seen tx */
  blockOf: Float64Array
  /** txs seen per block that holds any of ours */
  perBlock: Map<number, number>
  /** how many watched txs are still unseen (forgotten ones excluded) */
  pending(): number
  /** when the last new receipt was seen (performance.now() ms; NaN before the first) */
  lastSeenAt(): number
  /** stop expecting tx `i` (the node refused it) */
  forget(i: number): void
  /** resolves once every expected tx is seen, or after stop() */
  done: Promise<void>
  stop(): void
}

/** Parameters of `createReceiptPoller`. */
export type CreateReceiptPollerParameters = {
  hashes: readonly Hash[]
  /** the head before the first tx was sent: blocks after it are scanned */
  fromBlock: bigint
  pollMs: number
  signal?: AbortSignal
  /** after each poll that saw new receipts */
  onReceipts?: (seen: number) => void
  /** for each newly seen tx */
  onReceipt?: (index: number) => void
}

type Receipt = { transactionHash: Hash; status: Hex; blockNumber: Hex }

const BLOCKS_PER_REQUEST = 50
const HASHES_PER_REQUEST = 500

/** Starts polling `rpc` right away. */
export function createReceiptPoller(
  rpc: RpcClient,
  { hashes, fromBlock, pollMs, signal, onReceipts, onReceipt }: CreateReceiptPollerParameters,
): ReceiptPoller {
  const index = new Map<string, number>()
  for (const [i, h] of hashes.entries()) index.set(h.toLowerCase(), i)
  const seenAt = new Float64Array(hashes.length).fill(Number.NaN)
  const status = new Int8Array(hashes.length).fill(UNSEEN)
  const blockOf = new Float64Array(hashes.length).fill(Number.NaN)
  const forgotten = new Uint8Array(hashes.length)
  const perBlock = new Map<number, number>()
  let pending = hashes.length
  let seen = 0
  let last = fromBlock
  let lastSeen = Number.NaN
  let stopped = false
  let byHash = false

  const note = (r: Receipt | null, now: number) => {
    if (!r) return
    const i = index.get(r.transactionHash.toLowerCase())
    if (i === undefined || status[i] !== UNSEEN) return
    status[i] = r.status === '0x1' ? SUCCEEDED : FAILED
    seenAt[i] = now
    const block = Number(BigInt(r.blockNumber))
    blockOf[i] = block
    perBlock.set(block, (perBlock.get(block) ?? 0) + 1)
    seen++
    lastSeen = now
    if (!forgotten[i]) pending--
    onReceipt?.(i)
  }

  const scanBlocks = async (head: bigint) => {
    while (last < head && !stopped) {
      const to = last + BigInt(BLOCKS_PER_REQUEST) < head ? last + BigInt(BLOCKS_PER_REQUEST) : head
      const calls = []
      for (let n = last + 1n; n <= to; n++)
        calls.push({ method: 'eth_getBlockReceipts', params: [`0x${n.toString(16)}`] })
      const replies = await rpc.batch(calls, { signal })
      const now = performance.now()
      if (replies.some((r) => r.error?.code === -32601)) {
        byHash = true
        return
      }
      for (const r of replies) {
        if (r.error) throw new RpcCallError({ method: 'eth_getBlockReceipts', ...r.error })
        for (const receipt of (r.result as Receipt[] | null) ?? []) note(receipt, now)
      }
      last = to
    }
  }

  const scanHashes = async () => {
    const unseen: number[] = []
    for (let i = 0; i < hashes.length; i++) if (status[i] === UNSEEN && !forgotten[i]) unseen.push(i)
    for (let s = 0; s < unseen.length && !stopped; s += HASHES_PER_REQUEST) {
      const part = unseen.slice(s, s + HASHES_PER_REQUEST)
      const replies = await rpc.batch(
        part.map((i) => ({ method: 'eth_getTransactionReceipt', params: [hashes[i]] })),
        { signal },
      )
      const now = performance.now()
      for (const r of replies) note((r.result as Receipt | null) ?? null, now)
    }
  }

  let failure: unknown
  let finish: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    finish = resolve
  })
  const loop = async () => {
    while (!stopped && pending > 0) {
      const before = seen
      if (byHash) await scanHashes()
      else await scanBlocks(BigInt(await rpc.call<Hex>('eth_blockNumber', [], { signal })))
      if (seen !== before) onReceipts?.(seen)
      if (pending > 0 && !stopped) await new Promise((r) => setTimeout(r, pollMs))
    }
  }
  loop()
    .catch((err) => {
      // An abort ends the poll quietly; anything else is a real failure, reported through `done`.
      if (!(signal?.aborted && err instanceof RpcTransportError)) failure = err
    })
    .finally(() => finish())

  return {
    seenAt,
    status,
    blockOf,
    perBlock,
    pending: () => pending,
    lastSeenAt: () => lastSeen,
    forget(i) {
      if (forgotten[i]) return
      forgotten[i] = 1
      if (status[i] === UNSEEN) pending--
    },
    done: done.then(() => {
      if (failure) throw failure
    }),
    stop() {
      stopped = true
    },
  }
}
