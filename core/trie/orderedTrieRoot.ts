import { hashSorted } from './hashSorted.ts'

/**
 * Root of the trie mapping rlp(i) to `values[i]`: a block's transactionsRoot, receiptsRoot or
 * withdrawalsRoot given the encoded items. Empty values are left out, as a trie cannot hold them.
 */
export function orderedTrieRoot(values: readonly Uint8Array[]): Uint8Array {
  const n = values.length
  const keys: Uint8Array[] = []
  const sortedValues: Uint8Array[] = []
  const add = (index: number) => {
    if (values[index].length === 0) return
    keys.push(rlpIndex(index))
    sortedValues.push(values[index])
  }
  // Byte order of rlp(i): 0x01..0x7f (i = 1..127), then 0x80 (i = 0), then 0x81.., 0x82.. (i >= 128),
  // where the length prefix grows with i and big-endian bytes follow, so numeric order holds there.
  for (let i = 1; i < n && i < 128; i++) add(i)
  if (n > 0) add(0)
  for (let i = 128; i < n; i++) add(i)
  return hashSorted(keys, sortedValues)
}

// rlp(i) for a non-negative integer: 0x80 for zero, the byte itself below 0x80, else a length-prefixed
// big-endian string.
function rlpIndex(index: number): Uint8Array {
  if (index === 0) return Uint8Array.of(0x80)
  if (index < 0x80) return Uint8Array.of(index)
  let length = 0
  for (let v = index; v > 0; v = Math.floor(v / 256)) length++
  const out = new Uint8Array(length + 1)
  out[0] = 0x80 + length
  for (let i = length, v = index; i > 0; i--, v = Math.floor(v / 256)) out[i] = v % 256
  return out
}
