// Helpers for differential tests of the parallel executor against the sequential one: a seeded
// PRNG, the block environment, and comparable summaries of a block result and of a whole state.

import { bytesToHex } from '@ethereumjs/util'
import type { WorldState } from '../state/worldState.ts'
import type { BlockEnv, ExecuteBlockResult } from '../types.ts'

/** xorshift32: the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 4294967296
  }
}

export const COINBASE = '0x4200000000000000000000000000000000000011'

/** The environment of block `n`; both executors get the same one. */
export function blockEnv(n: bigint, gasLimit = 60_000_000n): BlockEnv {
  return {
    number: n,
    timestamp: 1_700_000_000n + n * 2n,
    coinbase: COINBASE,
    gasLimit,
    baseFeePerGas: 7n,
    prevRandao: `0x${'22'.repeat(32)}`,
    parentHash: `0x${(n + 1000n).toString(16).padStart(64, '0')}`,
    parentBeaconBlockRoot: `0x${'00'.repeat(32)}`,
  }
}

/** Everything a block result must agree on: roots, bloom, gas, every receipt field, which txs were left out. */
export function summarize(r: ExecuteBlockResult) {
  return {
    stateRoot: r.stateRoot,
    receiptsRoot: r.receiptsRoot,
    transactionsRoot: r.transactionsRoot,
    logsBloom: r.logsBloom,
    gasUsed: r.gasUsed,
    receipts: r.receipts.map(({ encoded, ...rest }) => ({ ...rest, encoded: bytesToHex(encoded) })),
    // Which txs were left out; the reason texts are not compared (ethereumjs's and the fast paths'
    // wording differ, and neither reaches consensus or a client).
    rejected: r.rejected.map((x) => bytesToHex(x.tx.hash())),
  }
}

/** Every account and slot of a state. */
export function dump(w: WorldState) {
  const out: Record<string, unknown> = {}
  for (const [a, acct] of w.accounts()) {
    const slots = Object.fromEntries([...(w.storageOf(a) ?? new Map()).entries()].map(([k, v]) => [k, bytesToHex(v)]))
    out[a] = {
      nonce: acct.nonce,
      balance: acct.balance,
      code: bytesToHex(acct.codeHash),
      root: bytesToHex(acct.storageRoot),
      slots,
    }
  }
  return out
}

/** JSON.stringify replacer for bigints. */
export function bigintJson(_k: string, v: unknown) {
  return typeof v === 'bigint' ? v.toString() : v
}

/** Both results in full, for a bug report when they differ. */
export function describeMismatch(label: string, sequential: unknown, parallel: unknown): string | undefined {
  const s = JSON.stringify(sequential, bigintJson, 1)
  const p = JSON.stringify(parallel, bigintJson, 1)
  return s === p ? undefined : `${label}\nsequential: ${s}\nparallel: ${p}`
}
