/** Keys in ascending byte order, unique, each with its non-empty value at the same index. */
export type SortedEntries = { keys: Uint8Array[]; values: Uint8Array[] }

// Below this many keys a bucket is finished by insertion sort; counting 257 buckets would cost more.
const SMALL = 32

/**
 * Sorts `entries` by key for building a trie bottom-up: a later entry for the same key replaces an
 * earlier one, and an empty value deletes the key (trie semantics). Keys and values are not copied.
 */
export function sortEntries(entries: Iterable<readonly [Uint8Array, Uint8Array]>): SortedEntries {
  const keys: Uint8Array[] = []
  const values: Uint8Array[] = []
  let sorted = true
  for (const [key, value] of entries) {
    // Flat state is usually read back in key order; spotting that skips the sort entirely.
    if (sorted && keys.length > 0 && compareFrom(keys[keys.length - 1], key, 0) >= 0) sorted = false
    keys.push(key)
    values.push(value)
  }
  if (sorted) {
    let hasEmpty = false
    for (const value of values) if (value.length === 0) hasEmpty = true
    if (!hasEmpty) return { keys, values }
  }

  const n = keys.length
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  if (!sorted) radixSort(keys, order, new Int32Array(n), 0, n, 0)

  // The sort is stable, so among equal keys the last one in input order wins.
  const outKeys: Uint8Array[] = []
  const outValues: Uint8Array[] = []
  for (let i = 0; i < n; i++) {
    const key = keys[order[i]]
    if (i + 1 < n && compareFrom(key, keys[order[i + 1]], 0) === 0) continue
    const value = values[order[i]]
    if (value.length === 0) continue
    outKeys.push(key)
    outValues.push(value)
  }
  return { keys: outKeys, values: outValues }
}

// Byte-wise comparison of `a` and `b` from byte `from` on; a proper prefix sorts first.
function compareFrom(a: Uint8Array, b: Uint8Array, from: number): number {
  const n = Math.min(a.length, b.length)
  for (let i = from; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i]
  }
  return a.length - b.length
}

// Stable MSD radix sort of order[lo..hi) by keys, all of which agree on their first `byte` bytes.
function radixSort(keys: Uint8Array[], order: Int32Array, tmp: Int32Array, lo: number, hi: number, byte: number): void {
  if (hi - lo < SMALL) {
    for (let i = lo + 1; i < hi; i++) {
      const item = order[i]
      const key = keys[item]
      let j = i - 1
      while (j >= lo && compareFrom(keys[order[j]], key, byte) > 0) {
        order[j + 1] = order[j]
        j--
      }
      order[j + 1] = item
    }
    return
  }
  // Bucket 0 holds keys that end here (they sort first); bucket b + 1 holds byte value b.
  const starts = new Int32Array(258)
  for (let i = lo; i < hi; i++) {
    const key = keys[order[i]]
    starts[(byte < key.length ? key[byte] + 1 : 0) + 1]++
  }
  starts[0] = lo
  for (let b = 1; b < 258; b++) starts[b] += starts[b - 1]
  const next = starts.slice(0, 257)
  for (let i = lo; i < hi; i++) {
    const key = keys[order[i]]
    tmp[next[byte < key.length ? key[byte] + 1 : 0]++] = order[i]
  }
  order.set(tmp.subarray(lo, hi), lo)
  // Keys in bucket 0 are all equal (same prefix, same length), so only real byte buckets recurse.
  for (let b = 1; b < 257; b++) {
    if (starts[b + 1] - starts[b] > 1) radixSort(keys, order, tmp, starts[b], starts[b + 1], byte + 1)
  }
}
