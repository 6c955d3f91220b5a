import secp256k1 from 'secp256k1'
import { readRlpItem } from '../batch/readRlpItem.ts'
import { rlpHeaderLength } from '../batch/rlpLength.ts'
import { uintBytes, writeListHeader } from '../rlp/writeRlp.ts'
import { keccak256 } from './keccak256.ts'

/** secp256k1's group order n, and n / 2 (EIP-2: s above it is refused), as 32 big-endian bytes. */
const N = hexBytes('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141')
const HALF_N = hexBytes('7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0')

/** A recovered sender: the 20-byte address and the 64-byte public key (x ‖ y) ethereumjs caches. */
export type RecoveredSender = { address: Uint8Array; publicKey: Uint8Array }

/**
 * Recovers the sender of a signed transaction straight from its wire bytes (legacy with or without
 * EIP-155, and typed 0x01/0x02/0x03/0x04), without building a transaction object: the signing payload is the
 * signed list minus its last three items (v/yParity, r, s) — for a legacy EIP-155 tx followed by
 * (chainId, 0, 0) — so it is re-framed from slices of the input and hashed once.
 *
 * Returns undefined for anything it does not accept (malformed RLP, an unknown type, v not one of the
 * allowed values, r or s out of range, s above n/2, no recoverable key): the caller then takes the slow
 * path through @ethereumjs/tx, which produces the proper error. It is only ever a faster route to the
 * same answer, checked against ethereumjs on the official TransactionTests fixtures
 * (recoverSender.test.ts). ~3x less work than decode + getSenderAddress (no bigint fields, no re-encoding).
 */
export function recoverSender(raw: Uint8Array): RecoveredSender | undefined {
  try {
    return recover(raw)
  } catch {
    return undefined
  }
}

function recover(raw: Uint8Array): RecoveredSender | undefined {
  if (raw.length === 0) return undefined
  const typed = raw[0] <= 0x7f
  const type = typed ? raw[0] : 0
  if (typed && (type < 1 || type > 4)) return undefined
  const body = typed ? 1 : 0
  const list = readRlpItem(raw, body, raw.length, 'tx')
  if (!list.list || list.end !== raw.length) return undefined
  const items: { start: number; end: number; headerStart: number }[] = []
  for (let o = list.start; o < list.end; ) {
    const item = readRlpItem(raw, o, list.end, 'tx')
    items.push({ start: item.start, end: item.end, headerStart: o })
    o = item.end
  }
  const fieldCount = [9, 11, 12, 14, 13][type]
  if (items.length !== fieldCount) return undefined
  const vItem = items[fieldCount - 3]
  const rItem = items[fieldCount - 2]
  const sItem = items[fieldCount - 1]
  // 0 < r < n and 0 < s <= n/2, compared as bytes (canonical: no leading zero, at most 32 bytes).
  if (!inRange(raw, rItem, N, false) || !inRange(raw, sItem, HALF_N, true)) return undefined
  const v = scalar(raw, vItem)
  if (v === undefined) return undefined
  const unsignedEnd = vItem.headerStart // the signed fields end where v's encoding begins
  let recovery: number
  let payload: Uint8Array
  if (typed) {
    if (v > 1n) return undefined
    recovery = Number(v)
    payload = frame(raw, [type], list.start, unsignedEnd, undefined)
  } else if (v === 27n || v === 28n) {
    recovery = Number(v - 27n)
    payload = frame(raw, [], list.start, unsignedEnd, undefined)
  } else {
    if (v < 35n) return undefined
    const chainId = (v - 35n) / 2n
    recovery = Number((v - 35n) % 2n)
    payload = frame(raw, [], list.start, unsignedEnd, encodeChainIdSuffix(chainId))
  }
  const sig = new Uint8Array(64)
  sig.set(raw.subarray(rItem.start, rItem.end), 32 - (rItem.end - rItem.start))
  sig.set(raw.subarray(sItem.start, sItem.end), 64 - (sItem.end - sItem.start))
  const pub = secp256k1.ecdsaRecover(sig, recovery, keccak256(payload), false)
  const publicKey = pub.slice(1)
  return { address: keccak256(publicKey).slice(12), publicKey }
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!, (b) => Number.parseInt(b, 16))
}

/** 0 < item < bound (or <= bound when `inclusive`), for a canonical big-endian integer of at most 32 bytes. */
function inRange(raw: Uint8Array, item: { start: number; end: number }, bound: Uint8Array, inclusive: boolean) {
  const len = item.end - item.start
  if (len === 0 || len > 32 || raw[item.start] === 0) return false
  if (len < 32) return true
  for (let i = 0; i < 32; i++) {
    const a = raw[item.start + i]
    if (a !== bound[i]) return a < bound[i]
  }
  return inclusive
}

/** An unsigned integer field: at most 32 bytes, no leading zero (canonical, as ethereumjs requires). */
function scalar(raw: Uint8Array, item: { start: number; end: number }): bigint | undefined {
  const len = item.end - item.start
  if (len > 32) return undefined
  if (len === 0) return 0n
  if (raw[item.start] === 0) return undefined
  let v = 0n
  for (let i = item.start; i < item.end; i++) v = (v << 8n) | BigInt(raw[i])
  return v
}

/** RLP(chainId) ‖ RLP(0) ‖ RLP(0): the EIP-155 tail of a legacy signing payload. */
function encodeChainIdSuffix(chainId: bigint): Uint8Array {
  const bytes = uintBytes(chainId)
  const head = bytes.length === 1 && bytes[0] < 0x80 ? [] : [0x80 + bytes.length]
  return Uint8Array.from([...head, ...bytes, 0x80, 0x80])
}

/** prefix ‖ listHeader ‖ raw[start, end) ‖ suffix: a list re-framed around a run of its items. */
function frame(raw: Uint8Array, prefix: number[], start: number, end: number, suffix: Uint8Array | undefined) {
  const payloadLength = end - start + (suffix?.length ?? 0)
  const headerLength = rlpHeaderLength(payloadLength)
  const out = new Uint8Array(prefix.length + headerLength + payloadLength)
  out.set(prefix, 0)
  const o = writeListHeader(out, prefix.length, payloadLength)
  out.set(raw.subarray(start, end), o)
  if (suffix) out.set(suffix, o + end - start)
  return out
}
