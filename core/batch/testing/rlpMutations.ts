import fc from 'fast-check'

/** Where one RLP item sits in a byte string: its header and payload, as the walk found them. */
export type RlpHeader = {
  /** Offset of the item's first byte. */
  at: number
  /** Bytes of header before the payload: 0 for a single byte below 0x80, 1 for short forms, 1 + n for long. */
  headerLength: number
  payloadLength: number
  list: boolean
}

/**
 * Every RLP item header in `bytes[start..]`, depth first (a list before its elements). The walk stops
 * quietly at the first header that does not fit, so it works on mutated input too.
 */
export function rlpHeaders(bytes: Uint8Array, start = 0, end = bytes.length): RlpHeader[] {
  const out: RlpHeader[] = []
  let pos = start
  while (pos < end) {
    const b = bytes[pos]
    let header: RlpHeader
    if (b < 0x80) header = { at: pos, headerLength: 0, payloadLength: 1, list: false }
    else if (b <= 0xb7) header = { at: pos, headerLength: 1, payloadLength: b - 0x80, list: false }
    else if (b <= 0xbf || (b >= 0xf8 && b <= 0xff)) {
      const lengthOfLength = b <= 0xbf ? b - 0xb7 : b - 0xf7
      if (pos + 1 + lengthOfLength > end) return out
      let payloadLength = 0
      for (let i = 0; i < lengthOfLength; i++) payloadLength = payloadLength * 256 + bytes[pos + 1 + i]
      header = { at: pos, headerLength: 1 + lengthOfLength, payloadLength, list: b >= 0xf8 }
    } else header = { at: pos, headerLength: 1, payloadLength: b - 0xc0, list: true }
    const payloadStart = pos + header.headerLength
    const payloadEnd = payloadStart + (header.headerLength === 0 ? 0 : header.payloadLength)
    if (payloadEnd > end) return out
    out.push(header)
    if (header.list) out.push(...rlpHeaders(bytes, payloadStart, payloadEnd))
    pos = header.headerLength === 0 ? pos + 1 : payloadEnd
  }
  return out
}

/**
 * One edit to a byte string. Byte edits (flip, set, insert, delete, truncate, extend) go anywhere; RLP
 * edits pick an item header (`item` modulo the number found) and break the encoding in the ways a
 * decoder must catch: a length off by `delta`, a short form rewritten in long form, a single byte
 * wrapped as a one-byte string, an integer given a leading zero.
 */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; value: number }
  | { kind: 'delete'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'extend'; bytes: Uint8Array }
  | { kind: 'rlpLength'; item: number; delta: number }
  | { kind: 'rlpLongForm'; item: number }
  | { kind: 'rlpWrapByte'; item: number }
  | { kind: 'rlpLeadingZero'; item: number }

/** Any {@link Mutation}, RLP-aware ones as likely as byte edits. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('rlpLength' as const),
    item: fc.nat(),
    delta: fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
  }),
  fc.record({ kind: fc.constant('rlpLongForm' as const), item: fc.nat() }),
  fc.record({ kind: fc.constant('rlpWrapByte' as const), item: fc.nat() }),
  fc.record({ kind: fc.constant('rlpLeadingZero' as const), item: fc.nat() }),
)

/** Applies `m` to a copy of `input`; RLP items are looked for from `rlpStart` (1 past a typed tx's type byte). */
export function applyMutation(input: Uint8Array, m: Mutation, rlpStart = 0): Uint8Array {
  const bytes = Uint8Array.from(input)
  const n = bytes.length
  const splice = (at: number, remove: number, insert: number[]) =>
    Uint8Array.from([...bytes.subarray(0, at), ...insert, ...bytes.subarray(at + remove)])
  switch (m.kind) {
    case 'flip':
      if (n > 0) bytes[m.at % n] ^= 1 << m.bit
      return bytes
    case 'set':
      if (n > 0) bytes[m.at % n] = m.value
      return bytes
    case 'insert':
      return splice(m.at % (n + 1), 0, [m.value])
    case 'delete':
      return n === 0 ? bytes : splice(m.at % n, 1, [])
    case 'truncate':
      return bytes.slice(0, m.at % (n + 1))
    case 'extend':
      return Uint8Array.from([...bytes, ...m.bytes])
  }
  const headers = rlpHeaders(bytes, rlpStart)
  if (headers.length === 0) return bytes
  const h = headers[m.item % headers.length]
  const base = h.list ? 0xc0 : 0x80
  switch (m.kind) {
    case 'rlpLength': {
      // The last byte of the length, so the header keeps its form and only the length lies.
      if (h.headerLength === 0) return bytes
      const at = h.at + h.headerLength - 1
      bytes[at] = (bytes[at] + m.delta + 256) % 256
      return bytes
    }
    case 'rlpLongForm':
      // 0x80+len / 0xc0+len → 0xb8/0xf8 len: the same item, non-canonically encoded.
      if (h.headerLength !== 1) return bytes
      return splice(h.at, 1, [base + 0x38, h.payloadLength])
    case 'rlpWrapByte':
      // A byte below 0x80 stands for itself; 0x81 b is the non-canonical spelling of the same value.
      if (h.headerLength !== 0) return bytes
      return splice(h.at, 0, [0x81])
    case 'rlpLeadingZero':
      // An integer with a leading zero byte: the same number, a different (forbidden) encoding.
      if (h.list || h.headerLength !== 1 || h.payloadLength >= 55) return bytes
      return splice(h.at, 1, [0x80 + h.payloadLength + 1, 0])
  }
}
