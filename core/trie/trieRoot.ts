import { hashSorted } from './hashSorted.ts'
import { sortEntries } from './sortEntries.ts'

/**
 * Root of the Merkle-Patricia trie over `entries` (any order; keys used as given, so hash them first
 * for a secure trie). A later entry for a key overrides an earlier one; an empty value means absent.
 */
export function trieRoot(entries: Iterable<readonly [Uint8Array, Uint8Array]>): Uint8Array {
  const { keys, values } = sortEntries(entries)
  return hashSorted(keys, values)
}
