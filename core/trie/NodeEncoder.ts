import { keccak256 } from '../crypto/keccak256.ts'
import { stringLength, writeLength, writeListHeader, writeString } from '../rlp/writeRlp.ts'
import { nibbleAt } from './nibbleAt.ts'

/**
 * A child reference as it appears inside a parent node: the node's own RLP when that is shorter than
 * 32 bytes (inlined per the Yellow Paper), otherwise keccak256 of it. The two never collide in
 * length, so `ref.length === 32` alone says "hash".
 */
export type NodeRef = Uint8Array

/** Bytes per child slot in {@link NodeEncoder.branchSlots}: a length byte and up to 32 reference bytes. */
export const SLOT_SIZE = 33

/** Encodes trie nodes into a reused scratch buffer and returns their references (hash or inline RLP). */
export class NodeEncoder {
  // One growable buffer for every node: encoding allocates nothing but the returned reference.
  private buf = new Uint8Array(4096)
  // Views of buf by length, so hashing a node does not allocate a fresh subarray each time.
  private views: Uint8Array[] = []

  /** Leaf holding `value` at the remaining path `key[from..]` (nibbles). */
  leaf(key: Uint8Array, from: number, value: Uint8Array): NodeRef {
    const pathBytes = hpLength(key.length * 2 - from)
    const payload = stringLength(pathBytes, 0) + stringLength(value.length, value[0])
    let pos = this.reserve(payload)
    pos = writeListHeader(this.buf, pos, payload)
    pos = writePath(this.buf, pos, key, from, key.length * 2, true)
    pos = writeString(this.buf, pos, value)
    return this.finish(pos)
  }

  /** Extension with path `key[from..to)` (nibbles) pointing at `child`. */
  extension(key: Uint8Array, from: number, to: number, child: NodeRef): NodeRef {
    const pathBytes = hpLength(to - from)
    const payload = stringLength(pathBytes, 0) + refLength(child)
    let pos = this.reserve(payload)
    pos = writeListHeader(this.buf, pos, payload)
    pos = writePath(this.buf, pos, key, from, to, false)
    pos = writeRef(this.buf, pos, child)
    return this.finish(pos)
  }

  /** Branch with 16 child slots (`null`/`undefined` for empty) and an optional value. */
  branch(children: ArrayLike<NodeRef | null | undefined>, value: Uint8Array | null): NodeRef {
    let payload = value === null ? 1 : stringLength(value.length, value[0])
    for (let i = 0; i < 16; i++) {
      const child = children[i]
      payload += child ? refLength(child) : 1
    }
    let pos = this.reserve(payload)
    const buf = this.buf
    pos = writeListHeader(buf, pos, payload)
    for (let i = 0; i < 16; i++) {
      const child = children[i]
      if (child) pos = writeRef(buf, pos, child)
      else buf[pos++] = 0x80
    }
    if (value === null) buf[pos++] = 0x80
    else pos = writeString(buf, pos, value)
    return this.finish(pos)
  }

  /**
   * Branch whose child references sit in `slots`: 16 slots of `SLOT_SIZE` bytes, each a length byte
   * (0 = empty, 32 = hash, else inline RLP of that many bytes) followed by the reference.
   */
  branchSlots(slots: Uint8Array, value: Uint8Array | null): NodeRef {
    let payload = value === null ? 1 : stringLength(value.length, value[0])
    for (let off = 0; off < 16 * SLOT_SIZE; off += SLOT_SIZE) {
      const length = slots[off]
      payload += length === 0 ? 1 : length === 32 ? 33 : length
    }
    let pos = this.reserve(payload)
    const buf = this.buf
    pos = writeListHeader(buf, pos, payload)
    for (let off = 0; off < 16 * SLOT_SIZE; off += SLOT_SIZE) {
      const length = slots[off]
      if (length === 0) {
        buf[pos++] = 0x80
        continue
      }
      if (length === 32) buf[pos++] = 0xa0
      for (let i = off + 1, end = off + 1 + length; i < end; i++) buf[pos++] = slots[i]
    }
    if (value === null) buf[pos++] = 0x80
    else pos = writeString(buf, pos, value)
    return this.finish(pos)
  }

  /** The trie root for a root node reference: the root is always hashed, even when short. */
  static rootHash(ref: NodeRef): Uint8Array {
    return ref.length === 32 ? new Uint8Array(ref) : keccak256(ref)
  }

  // Makes room for a list of `payload` bytes plus its header; returns the write position (0).
  private reserve(payload: number): number {
    const total = payload + 9
    if (total > this.buf.length) {
      let size = this.buf.length * 2
      while (size < total) size *= 2
      this.buf = new Uint8Array(size)
      this.views = []
    }
    return 0
  }

  private finish(length: number): NodeRef {
    if (length < 32) return this.buf.slice(0, length)
    if (length >= MAX_CACHED_VIEW) return keccak256(this.buf.subarray(0, length))
    let view = this.views[length]
    if (view === undefined) {
      view = this.buf.subarray(0, length)
      this.views[length] = view
    }
    return keccak256(view)
  }
}

// Nodes longer than this (big values) are rare enough to hash through a one-off view.
const MAX_CACHED_VIEW = 2048

// Hex-prefix encoding packs the flag nibble with the first path nibble when the path is odd.
function hpLength(nibbles: number): number {
  return (nibbles >> 1) + 1
}

function refLength(ref: NodeRef): number {
  // A hash goes in as a 32-byte string; a short node is spliced in as the raw list it already is.
  return ref.length === 32 ? 33 : ref.length
}

function writeRef(buf: Uint8Array, pos: number, ref: NodeRef): number {
  const length = ref.length
  if (length === 32) buf[pos++] = 0xa0
  for (let i = 0; i < length; i++) buf[pos + i] = ref[i]
  return pos + length
}

// Writes nibbles key[from..to) hex-prefix encoded (flag 2 = leaf, +1 = odd length) as an RLP string.
function writePath(buf: Uint8Array, pos: number, key: Uint8Array, from: number, to: number, leaf: boolean): number {
  const nibbles = to - from
  const bytes = hpLength(nibbles)
  // The first hex-prefix byte is < 0x40, so a one-byte path is its own RLP encoding.
  if (bytes > 1) pos = writeLength(buf, pos, bytes, 0x80, 0xb7)
  const flag = (leaf ? 0x20 : 0) | (nibbles & 1 ? 0x10 : 0)
  let i = from
  if (nibbles & 1) buf[pos++] = flag | nibbleAt(key, i++)
  else buf[pos++] = flag
  if ((i & 1) === 0) {
    // Byte-aligned: the rest of the path is a plain byte range of the key.
    for (let k = i >> 1, end = to >> 1; k < end; k++) buf[pos++] = key[k]
  } else {
    for (let k = i >> 1, end = (to - 1) >> 1; k < end; k++) buf[pos++] = ((key[k] & 0x0f) << 4) | (key[k + 1] >> 4)
  }
  return pos
}
