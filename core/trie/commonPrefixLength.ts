/**
 * The nibble index at which `a` and `b` first differ, scanning from nibble `from` and stopping at
 * `limit` or at the end of the shorter key (whichever comes first).
 */
export function commonPrefixLength(
  a: Uint8Array,
  b: Uint8Array,
  from: number,
  limit = Number.MAX_SAFE_INTEGER,
): number {
  let end = a.length < b.length ? a.length * 2 : b.length * 2
  if (limit < end) end = limit
  let i = from
  if (i >= end) return end
  // Align to a byte boundary so the bulk of the scan compares whole bytes, not nibbles.
  if (i & 1) {
    const k = i >> 1
    if ((a[k] & 0x0f) !== (b[k] & 0x0f)) return i
    i++
  }
  let k = i >> 1
  const byteEnd = end >> 1
  while (k < byteEnd && a[k] === b[k]) k++
  i = k * 2
  if (i < end && a[k] >> 4 === b[k] >> 4) i++
  return Math.min(i, end)
}
