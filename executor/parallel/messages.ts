import type { Hex } from 'viem'
import type { AccountState, StateDiff } from '../state/types.ts'
import type { BlockEnv } from '../types.ts'

/** A snapshot of the whole flat state, to seed a worker's replica. */
export type StateSnapshot = {
  accounts: [Hex, AccountState][]
  storage: [Hex, Hex, Uint8Array][]
  code: [Hex, Uint8Array][]
}

/** One speculative run of a transaction against the block's pre-state plus its lane's earlier writes. */
export type TxOutcome = {
  index: number
  /** Set when runTx refused the tx (nonce, funds, fee); nothing was written. */
  invalid?: string
  status: 0 | 1
  gasUsed: bigint
  logs: [Uint8Array, Uint8Array[], Uint8Array][]
  bloom: Uint8Array
  createdAddress: Hex | null
  minerValue: bigint
  /** Keys read from outside the tx: addresses, and address+slot for storage. */
  reads: string[]
  /** The tx's own writes, fee payment to the coinbase excluded (merged as a delta). */
  writes: StateDiff
  /** The EVM itself read or wrote the coinbase: its result depends on every earlier fee. */
  coinbaseTouched: boolean
}

/** Messages from the main thread to a VM worker (`satisfies ToWorker` at each postMessage). */
export type ToWorker =
  | { type: 'init'; chainId: number; hardfork: string; snapshot: StateSnapshot; version: string }
  | { type: 'applyDiff'; diff: StateDiff; version: string }
  /** Recover senders: raw txs back to back with their [offset, length]; answers 20-byte addresses + 64-byte keys. */
  | { type: 'recover'; id: number; raw: Uint8Array; txs: [number, number][] }
  /** Roots of ordered tries (a block's transactions and receipts): each list's items back to back, and where each ends. */
  | { type: 'orderedRoots'; id: number; lists: PackedItems[] }
  | {
      type: 'runLanes'
      id: number
      version: string
      env: BlockEnv
      /** Writes made before the first tx (system calls), part of every lane's pre-state. */
      systemDiff: StateDiff
      /** Block hashes for BLOCKHASH, [number, hash] for the last 256 blocks. */
      blockHashes: [bigint, Uint8Array][]
      /** All raw txs of this message back to back, and for each: [index in block, offset, length, sender, lane]. */
      raw: Uint8Array
      /**
       * In block order. Each lane runs in order on its own view of the pre-state; a block's txs may come in
       * several messages (as their senders are recovered), and lane views last until the next `run`.
       */
      txs: [number, number, number, Hex, number][]
      /** Which block execution these txs belong to (lanes are numbered per run). */
      run: number
    }

/** Messages from a VM worker back to the main thread. */
export type FromWorker =
  | { type: 'ready'; version: string }
  /** Outcomes so far of a runLanes request, in block order; more follow. */
  | { type: 'lanesProgress'; id: number; outcomes: TxOutcome[] }
  /** The last outcomes of a runLanes request. */
  | { type: 'lanesDone'; id: number; outcomes: TxOutcome[]; ms: number }
  | { type: 'recovered'; id: number; addresses: Uint8Array; publicKeys: Uint8Array; failed: number[] }
  | { type: 'orderedRoots'; id: number; roots: Uint8Array[] }
  | { type: 'error'; id?: number; message: string; stack?: string }

/** Byte strings back to back in one buffer (one transfer, no structured clone per item); item i ends at `ends[i]`. */
export type PackedItems = { bytes: Uint8Array; ends: Uint32Array }

/** Packs `items` into one buffer. */
export function packItems(items: readonly Uint8Array[]): PackedItems {
  let total = 0
  for (const item of items) total += item.length
  const bytes = new Uint8Array(total)
  const ends = new Uint32Array(items.length)
  let o = 0
  for (let i = 0; i < items.length; i++) {
    bytes.set(items[i], o)
    o += items[i].length
    ends[i] = o
  }
  return { bytes, ends }
}

/** The items of a packed list, as views into its buffer. */
export function unpackItems({ bytes, ends }: PackedItems): Uint8Array[] {
  const items = new Array<Uint8Array>(ends.length)
  let start = 0
  for (let i = 0; i < ends.length; i++) {
    items[i] = bytes.subarray(start, ends[i])
    start = ends[i]
  }
  return items
}
