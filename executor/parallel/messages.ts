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
  | { type: 'error'; id?: number; message: string; stack?: string }
