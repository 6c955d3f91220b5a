import { EMPTY_TRIE_ROOT } from '../crypto/constants.ts'
import { commonPrefixLength } from './commonPrefixLength.ts'
import { NodeEncoder, type NodeRef, SLOT_SIZE } from './NodeEncoder.ts'
import { nibbleAt } from './nibbleAt.ts'
import { sortEntries } from './sortEntries.ts'

/** An in-memory Merkle-Patricia trie whose root is rehashed incrementally (account or storage trie). */
export type StateTrie = {
  /** Number of keys held. */
  readonly size: number
  /** The value under `key`: the array given to `put`, so treat it as read-only. */
  get(key: Uint8Array): Uint8Array | undefined
  /** Sets `key` to `value`; an empty value deletes the key. Both arrays are kept, not copied. */
  put(key: Uint8Array, value: Uint8Array): void
  /** Applies `entries` in order; into an empty trie they are bulk-built instead of inserted one by one. */
  putMany(entries: Iterable<readonly [Uint8Array, Uint8Array]>): void
  /** Removes `key`; says whether it was there. */
  delete(key: Uint8Array): boolean
  /** The root hash, rehashing only the nodes changed since the previous call. */
  root(): Uint8Array
}

/** Options of {@link createStateTrie}. */
export type CreateStateTrieOptions = {
  /** Initial contents (any order, later entries win, empty values skipped), bulk-built. */
  entries?: Iterable<readonly [Uint8Array, Uint8Array]>
}

/**
 * A new in-memory MPT. Keys are used as given: a secure trie's caller hashes them first. The trie
 * keeps the key and value arrays it is handed (copying costs ~0.6 µs a value on the hot path), so
 * callers must not mutate them afterwards.
 */
export function createStateTrie(options: CreateStateTrieOptions = {}): StateTrie {
  const trie = new MutableTrie()
  if (options.entries) trie.putMany(options.entries)
  return trie
}

// Nodes are mutated in place. A node's depth (nibbles from the root) is never stored: every walk
// starts at the root and knows it, so a node can move up or down without rewriting its path.
//
// Hash caching lives in the branches: each keeps its children's references in one flat `slots` array
// and a `dirty` bit per slot whose subtree changed. Rehashing visits only dirty slots and encodes a
// branch from its own slots, never touching clean children; leaves and extensions (cheap, and
// depth-dependent) cache nothing. A branch's encoding does not depend on its depth, so it also
// caches its own reference across moves.
const LEAF = 0
const EXTENSION = 1
const BRANCH = 2

type Node = Leaf | Extension | Branch

class Leaf {
  readonly kind = LEAF
  // The whole key: at depth d the leaf's path is the key's nibbles from d on.
  constructor(
    readonly key: Uint8Array,
    public value: Uint8Array,
  ) {}
}

class Extension {
  readonly kind = EXTENSION
  // At depth d the path is key[d..d+length) for any key below; the child is always a branch.
  constructor(
    public key: Uint8Array,
    public length: number,
    public child: Branch,
  ) {}
}

class Branch {
  readonly kind = BRANCH
  readonly children: (Node | null)[] = new Array<Node | null>(16).fill(null)
  readonly slots = new Uint8Array(16 * SLOT_SIZE)
  dirty = 0
  ref: NodeRef | null = null
  // A key ending at this branch (only with keys of different lengths); kept to rebuild a leaf.
  valueKey: Uint8Array | null = null
  value: Uint8Array | null = null

  setChild(nibble: number, child: Node | null): void {
    this.children[nibble] = child
    this.dirty |= 1 << nibble
    this.ref = null
  }
}

class MutableTrie implements StateTrie {
  private top: Node | null = null
  private count = 0
  private rootHash: Uint8Array | null = EMPTY_TRIE_ROOT
  // Set by insert/remove when anything changed, so unchanged writes leave cached hashes intact.
  private changed = false
  private readonly encoder = new NodeEncoder()

  get size(): number {
    return this.count
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const keyLength = key.length * 2
    let node = this.top
    let depth = 0
    while (node !== null) {
      if (node.kind === LEAF) return equalBytes(node.key, key) ? node.value : undefined
      if (node.kind === EXTENSION) {
        const end = depth + node.length
        if (commonPrefixLength(node.key, key, depth, end) !== end) return undefined
        node = node.child
        depth = end
      } else {
        if (keyLength === depth) return node.value ?? undefined
        node = node.children[nibbleAt(key, depth)]
        depth++
      }
    }
    return undefined
  }

  put(key: Uint8Array, value: Uint8Array): void {
    if (value.length === 0) {
      this.delete(key)
      return
    }
    this.changed = false
    this.top = this.insert(this.top, 0, key, value)
    if (this.changed) this.rootHash = null
  }

  putMany(entries: Iterable<readonly [Uint8Array, Uint8Array]>): void {
    if (this.top !== null) {
      for (const [key, value] of entries) this.put(key, value)
      return
    }
    const { keys, values } = sortEntries(entries)
    this.count = keys.length
    this.top = keys.length === 0 ? null : build(keys, values, 0, keys.length, 0)
    this.rootHash = keys.length === 0 ? EMPTY_TRIE_ROOT : null
  }

  delete(key: Uint8Array): boolean {
    this.changed = false
    this.top = this.remove(this.top, 0, key)
    if (this.changed) this.rootHash = null
    return this.changed
  }

  root(): Uint8Array {
    if (this.rootHash === null) {
      this.rootHash = this.top === null ? EMPTY_TRIE_ROOT : NodeEncoder.rootHash(this.refOf(this.top, 0))
    }
    return this.rootHash.slice()
  }

  private refOf(node: Node, depth: number): NodeRef {
    if (node.kind === LEAF) return this.encoder.leaf(node.key, depth, node.value)
    if (node.kind === BRANCH) return this.branchRef(node, depth)
    const end = depth + node.length
    return this.encoder.extension(node.key, depth, end, this.branchRef(node.child, end))
  }

  private branchRef(node: Branch, depth: number): NodeRef {
    if (node.ref !== null) return node.ref
    const { children, slots } = node
    let dirty = node.dirty
    while (dirty !== 0) {
      const nibble = 31 - Math.clz32(dirty & -dirty)
      dirty &= dirty - 1
      const child = children[nibble]
      const off = nibble * SLOT_SIZE
      if (child === null) {
        slots[off] = 0
        continue
      }
      const ref = this.refOf(child, depth + 1)
      const length = ref.length
      slots[off] = length
      for (let i = 0; i < length; i++) slots[off + 1 + i] = ref[i]
    }
    node.dirty = 0
    node.ref = this.encoder.branchSlots(slots, node.value)
    return node.ref
  }

  private insert(node: Node | null, depth: number, key: Uint8Array, value: Uint8Array): Node {
    if (node === null) {
      this.changed = true
      this.count++
      return new Leaf(key, value)
    }
    if (node.kind === BRANCH) {
      if (key.length * 2 === depth) {
        if (node.value !== null && equalBytes(node.value, value)) return node
        if (node.value === null) {
          this.count++
          node.valueKey = key
        }
        node.value = value
        node.ref = null
        this.changed = true
        return node
      }
      const nibble = nibbleAt(key, depth)
      const child = this.insert(node.children[nibble], depth + 1, key, value)
      if (this.changed) node.setChild(nibble, child)
      return node
    }
    if (node.kind === EXTENSION) {
      const end = depth + node.length
      const shared = commonPrefixLength(node.key, key, depth, end)
      if (shared === end) {
        // The child is a branch and is modified in place, so it stays the child.
        this.insert(node.child, end, key, value)
        return node
      }
      // The key leaves the extension's path at `shared`: a branch goes there, with the rest of the
      // extension (if any nibbles remain after the branch slot) below it.
      const branch = new Branch()
      if (end - shared > 1) {
        node.length = end - shared - 1
        branch.setChild(nibbleAt(node.key, shared), node)
      } else {
        branch.setChild(nibbleAt(node.key, shared), node.child)
      }
      this.addLeaf(branch, shared, key, value)
      return shared > depth ? new Extension(node.key, shared - depth, branch) : branch
    }
    // Leaf.
    const shared = commonPrefixLength(node.key, key, depth)
    if (shared === key.length * 2 && shared === node.key.length * 2) {
      if (equalBytes(node.value, value)) return node
      this.changed = true
      node.value = value
      return node
    }
    const branch = new Branch()
    if (node.key.length * 2 === shared) {
      branch.valueKey = node.key
      branch.value = node.value
    } else {
      branch.setChild(nibbleAt(node.key, shared), node)
    }
    this.addLeaf(branch, shared, key, value)
    return shared > depth ? new Extension(node.key, shared - depth, branch) : branch
  }

  // Puts a new key into a fresh branch at `depth`, as its value if the key ends there.
  private addLeaf(branch: Branch, depth: number, key: Uint8Array, value: Uint8Array): void {
    this.changed = true
    this.count++
    if (key.length * 2 === depth) {
      branch.valueKey = key
      branch.value = value
    } else {
      branch.setChild(nibbleAt(key, depth), new Leaf(key, value))
    }
  }

  private remove(node: Node | null, depth: number, key: Uint8Array): Node | null {
    if (node === null) return null
    if (node.kind === LEAF) {
      if (!equalBytes(node.key, key)) return node
      this.changed = true
      this.count--
      return null
    }
    if (node.kind === EXTENSION) {
      const end = depth + node.length
      if (commonPrefixLength(node.key, key, depth, end) !== end) return node
      // The child branch has two entries or more, so something remains after one removal.
      const child = this.remove(node.child, end, key) as Node
      if (!this.changed || child === node.child) return node
      // The branch collapsed: fold what replaced it into this extension.
      if (child.kind === LEAF) return child
      if (child.kind === EXTENSION) {
        node.key = child.key
        node.length += child.length
        node.child = child.child
        return node
      }
      node.child = child
      return node
    }
    if (key.length * 2 === depth) {
      if (node.value === null) return node
      node.value = null
      node.valueKey = null
      node.ref = null
      this.changed = true
      this.count--
    } else {
      const nibble = nibbleAt(key, depth)
      const child = node.children[nibble]
      if (child === null) return node
      const next = this.remove(child, depth + 1, key)
      if (!this.changed) return node
      node.setChild(nibble, next)
    }
    return collapse(node)
  }
}

// A branch left with a single entry is replaced by that entry, moved up one nibble, as the spec's
// canonical form has no one-entry branches.
function collapse(branch: Branch): Node {
  let only = -1
  let entries = branch.value === null ? 0 : 1
  const children = branch.children
  for (let i = 0; i < 16; i++) {
    if (children[i] !== null) {
      if (++entries > 1) return branch
      only = i
    }
  }
  if (only === -1) return new Leaf(branch.valueKey as Uint8Array, branch.value as Uint8Array)
  const child = children[only] as Node
  if (child.kind === LEAF) return child
  if (child.kind === EXTENSION) {
    child.length++
    return child
  }
  return new Extension(anyKey(child), 1, child)
}

// Some key stored below `node`; any one spells the path of every extension above it.
function anyKey(node: Node): Uint8Array {
  for (;;) {
    if (node.kind !== BRANCH) return node.key
    if (node.valueKey !== null) return node.valueKey
    node = node.children.find((child) => child !== null) as Node
  }
}

// Builds the subtrie of sorted, unique keys[lo..hi) rooted at `depth`.
function build(keys: Uint8Array[], values: Uint8Array[], lo: number, hi: number, depth: number): Node {
  if (hi - lo === 1) return new Leaf(keys[lo], values[lo])
  const shared = commonPrefixLength(keys[lo], keys[hi - 1], depth)
  const branch = new Branch()
  let i = lo
  if (keys[i].length * 2 === shared) {
    branch.valueKey = keys[i]
    branch.value = values[i]
    i++
  }
  while (i < hi) {
    const nibble = nibbleAt(keys[i], shared)
    let j = i + 1
    while (j < hi && nibbleAt(keys[j], shared) === nibble) j++
    branch.setChild(nibble, build(keys, values, i, j, shared + 1))
    i = j
  }
  return shared > depth ? new Extension(keys[lo], shared - depth, branch) : branch
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length
  if (n !== b.length) return false
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false
  return true
}
