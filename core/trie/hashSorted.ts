import { EMPTY_TRIE_ROOT } from '../crypto/constants.ts'
import { commonPrefixLength } from './commonPrefixLength.ts'
import { NodeEncoder, type NodeRef } from './NodeEncoder.ts'
import { nibbleAt } from './nibbleAt.ts'

/**
 * Root of the trie holding `keys[i] -> values[i]`, where keys are strictly ascending and values
 * non-empty. Like geth's StackTrie, every node is hashed once, straight from the sorted key ranges,
 * without ever materialising the trie.
 */
export function hashSorted(keys: readonly Uint8Array[], values: readonly Uint8Array[]): Uint8Array {
  if (keys.length === 0) return EMPTY_TRIE_ROOT.slice()
  const encoder = new NodeEncoder()

  // Sorted and unique, so the prefix shared by the whole range is the one its ends share.
  const node = (lo: number, hi: number, depth: number): NodeRef => {
    if (hi - lo === 1) return encoder.leaf(keys[lo], depth, values[lo])
    const shared = commonPrefixLength(keys[lo], keys[hi - 1], depth)
    if (shared === depth) return branch(lo, hi, depth)
    return encoder.extension(keys[lo], depth, shared, branch(lo, hi, shared))
  }

  const branch = (lo: number, hi: number, depth: number): NodeRef => {
    const children = new Array<NodeRef | null>(16).fill(null)
    let value: Uint8Array | null = null
    let i = lo
    // A key ending exactly here is a prefix of the others and therefore sorts first.
    if (keys[i].length * 2 === depth) value = values[i++]
    while (i < hi) {
      const nibble = nibbleAt(keys[i], depth)
      let j = i + 1
      while (j < hi && nibbleAt(keys[j], depth) === nibble) j++
      children[nibble] = node(i, j, depth + 1)
      i = j
    }
    return encoder.branch(children, value)
  }

  return NodeEncoder.rootHash(node(0, keys.length, 0))
}
