import type { Common } from '@ethereumjs/common'
import type { TypedTransaction } from '@ethereumjs/tx'
import { type Address, bytesToHex, createAddressFromString } from '@ethereumjs/util'
import type { Hex } from 'viem'
import { keccak256 } from '../core/crypto/keccak256.ts'
import { decodeCheckedTx } from './trustedTx.ts'

// ethereumjs recomputes a tx's sender address (a keccak of the cached public key) on every
// getSenderAddress() and its RLP on every serialize(); both are needed several times per tx on the
// block path, so they are memoized per tx object.
const senders = new WeakMap<TypedTransaction, Hex>()
const raws = new WeakMap<TypedTransaction, Uint8Array>()
const hashes = new WeakMap<TypedTransaction, Hex>()

/**
 * Decodes wire bytes into a transaction and remembers the bytes: ethereumjs keeps only the fields, so
 * `serialize()` (for the hash, the transactions root and the batch) would re-encode them — a quarter of
 * a plain-transfer block's execution time before this cache (profile of the eth-transfers bench).
 */
export function decodeTx(raw: Uint8Array, common: Common): TypedTransaction {
  // createTxFromRLP(raw, { common }), by the checked route for the usual tx (executor/trustedTx.ts)
  const tx = decodeCheckedTx(raw, common)
  raws.set(tx, raw)
  return tx
}

/**
 * Records the wire bytes a tx was decoded from — only bytes proven canonical (equal to `serialize()`) — and, when
 * known, their hash, so that blocks never re-encode or re-hash it.
 */
export function knownRaw(tx: TypedTransaction, raw: Uint8Array, hash?: Hex): void {
  raws.set(tx, raw)
  if (hash !== undefined) hashes.set(tx, hash)
}

/** The tx hash, keccak256 of its wire encoding, computed once. */
export function hashOf(tx: TypedTransaction): Hex {
  let h = hashes.get(tx)
  if (h === undefined) {
    h = bytesToHex(keccak256(rawOf(tx))) as Hex
    hashes.set(tx, h)
  }
  return h
}

/** The tx's sender as lowercase hex, recovered once. */
export function senderOf(tx: TypedTransaction): Hex {
  let s = senders.get(tx)
  if (s === undefined) {
    s = tx.getSenderAddress().toString() as Hex
    senders.set(tx, s)
  }
  return s
}

/**
 * The tx as runTx should see it: the same tx (a prototype view of it, since decoded txs are frozen) whose
 * getSenderAddress() answers from the cache. runTx asks for the sender, and ethereumjs hashes the public
 * key into an address again on every call, with JavaScript keccak (2.2% of an ERC-20 block profile, together
 * with senderOf's own first call).
 */
export function withCachedSender(tx: TypedTransaction): TypedTransaction {
  const from: Address = createAddressFromString(senderOf(tx))
  return Object.create(tx, { getSenderAddress: { value: () => from } })
}

/** The tx's wire encoding, encoded once. */
export function rawOf(tx: TypedTransaction): Uint8Array {
  let r = raws.get(tx)
  if (r === undefined) {
    r = tx.serialize()
    raws.set(tx, r)
  }
  return r
}

/** Records a sender recovered elsewhere (a worker): the address, and the public key ethereumjs caches. */
export function primeSender(tx: TypedTransaction, address: Hex, publicKey: Uint8Array): void {
  senders.set(tx, address)
  const cache = (tx as unknown as { cache?: { senderPubKey?: Uint8Array } }).cache
  if (cache && cache.senderPubKey === undefined) cache.senderPubKey = publicKey
}

/** Whether the tx's sender is already known (recovering it costs ~60 µs). */
export function hasSender(tx: TypedTransaction): boolean {
  if (senders.has(tx)) return true
  return (tx as unknown as { cache?: { senderPubKey?: Uint8Array } }).cache?.senderPubKey !== undefined
}

/** Records a sender already known for certain (the pool recovered it at intake). */
export function knownSender(tx: TypedTransaction, address: Hex): void {
  senders.set(tx, address.toLowerCase() as Hex)
}
