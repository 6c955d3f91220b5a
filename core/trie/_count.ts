import { randomFillSync } from 'node:crypto'
import { createStateTrie } from './createStateTrie.ts'
import { NodeEncoder } from './NodeEncoder.ts'
const counts = { leaf: 0, extension: 0, branch: 0 }
for (const k of ['leaf', 'extension', 'branch'] as const) {
  const orig = (NodeEncoder.prototype as any)[k]
  ;(NodeEncoder.prototype as any)[k] = function (...a: unknown[]) { counts[k]++; return orig.apply(this, a) }
}
const random = (length: number) => randomFillSync(new Uint8Array(length))
const account = () => random(70 + Math.floor(Math.random() * 35))
const N = 100_000
const keys = Array.from({ length: N }, () => random(32))
const trie = createStateTrie({ entries: keys.map((key) => [key, account()] as const) })
trie.root()
console.log('initial', counts)
counts.leaf = counts.extension = counts.branch = 0
for (let i = 0; i < 10000; i++) trie.put(keys[Math.floor(Math.random() * N)], account())
trie.root()
console.log('10k updates', counts)
