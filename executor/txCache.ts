import type { TypedTransaction } from '@ethereumjs/tx'
import type { Hex } from 'viem'

// ethereumjs recomputes a tx's sender address (a keccak of the cached public key) on every
// getSenderAddress() and its RLP on every serialize(); both are needed several times per tx on the
// block path, so they are memoized per tx object.
const senders = new WeakMap<TypedTransaction, Hex>()
const raws = new WeakMap<TypedTransaction, Uint8Array>()

/** The tx's sender as lowercase hex, recovered once. */
export function senderOf(tx: TypedTransaction): Hex {
  let s = senders.get(tx)
  if (s === undefined) {
    s = tx.getSenderAddress().toString() as Hex
    senders.set(tx, s)
  }
  return s
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
