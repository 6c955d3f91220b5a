// RLP written straight into a caller's buffer, sized beforehand: the trie's node encoder (core/trie/NodeEncoder.ts),
// the receipt encoder (executor/encodeReceipt.ts) and the account leaf (executor/state/worldState.ts). Lengths up to
// 2^32 - 1.

// Encoded size of an RLP string of `length` bytes whose first byte is `first`.
export function stringLength(length: number, first: number): number {
  if (length === 1 && first < 0x80) return 1
  return length <= 55 ? length + 1 : length + 1 + lengthOfLength(length)
}

/** Bytes of the big-endian length in a long-form header. */
export function lengthOfLength(length: number): number {
  return length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4
}

/** Writes a string (`0x80`/`0xb7`) or list (`0xc0`/`0xf7`) header for `length` payload bytes; returns the next position. */
export function writeLength(buf: Uint8Array, pos: number, length: number, shortBase: number, longBase: number): number {
  if (length <= 55) {
    buf[pos] = shortBase + length
    return pos + 1
  }
  const n = lengthOfLength(length)
  buf[pos++] = longBase + n
  for (let shift = (n - 1) * 8; shift >= 0; shift -= 8) buf[pos++] = (length >>> shift) & 0xff
  return pos
}

/** Writes a list header; returns the next position. */
export function writeListHeader(buf: Uint8Array, pos: number, payload: number): number {
  return writeLength(buf, pos, payload, 0xc0, 0xf7)
}

/** Writes RLP(bytes) (a single byte below 0x80 is its own encoding); returns the next position. */
export function writeString(buf: Uint8Array, pos: number, bytes: Uint8Array): number {
  const length = bytes.length
  if (length === 1 && bytes[0] < 0x80) {
    buf[pos] = bytes[0]
    return pos + 1
  }
  pos = writeLength(buf, pos, length, 0x80, 0xb7)
  if (length > 32) buf.set(bytes, pos)
  else for (let i = 0; i < length; i++) buf[pos + i] = bytes[i]
  return pos + length
}

/**
 * A non-negative integer as minimal big-endian bytes (none for 0), as RLP encodes integers. Past 2^53 (a balance in
 * wei usually is) through hex, decoded by Node: ethereumjs's `bigIntToUnpaddedBytes` validates each hex pair.
 */
export function uintBytes(x: bigint): Uint8Array {
  if (x <= MAX_SAFE) {
    let n = Number(x)
    let length = 0
    for (let m = n; m > 0; m = Math.floor(m / 256)) length++
    const out = new Uint8Array(length)
    for (let i = length - 1; i >= 0; i--, n = Math.floor(n / 256)) out[i] = n % 256
    return out
  }
  const hex = x.toString(16)
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex')
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
