/** The `index`-th 4-bit nibble of `key`, high nibble of each byte first (the trie's path order). */
export function nibbleAt(key: Uint8Array, index: number): number {
  const byte = key[index >> 1]
  return index & 1 ? byte & 0x0f : byte >> 4
}
