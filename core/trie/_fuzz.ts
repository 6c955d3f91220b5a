import { bytesToHex } from '@ethereumjs/util'
import { createStateTrie } from './createStateTrie.ts'
import { trieRoot } from './trieRoot.ts'
let seed = 1
const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x80000000 }
const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 4) * (rnd() < 0.5 ? 1 : 17))
let fails = 0
for (let round = 0; round < 300; round++) {
  const trie = createStateTrie()
  const ref = new Map<string, [Uint8Array, Uint8Array]>()
  const pool = Array.from({ length: 5 + Math.floor(rnd() * 60) }, () => bytes(Math.floor(rnd() * 5)))
  for (let op = 0; op < 200; op++) {
    const k = pool[Math.floor(rnd() * pool.length)]
    const hk = bytesToHex(k)
    const r = rnd()
    if (r < 0.3) { trie.delete(k); ref.delete(hk) }
    else { const v = bytes(Math.floor(rnd() * 40)); trie.put(k, v); if (v.length) ref.set(hk, [k, v]); else ref.delete(hk) }
    if (rnd() < 0.3 || op === 199) {
      const a = bytesToHex(trie.root()), b = bytesToHex(trieRoot(ref.values()))
      const c = bytesToHex(createStateTrie({ entries: ref.values() }).root())
      if (a !== b || b !== c || trie.size !== ref.size) { fails++; console.log('FAIL', round, op, a, b, c, trie.size, ref.size); break }
      for (const [kk, [k2, v2]] of ref) if (bytesToHex(trie.get(k2)!) !== bytesToHex(v2)) { fails++; console.log('GET FAIL', kk); break }
    }
  }
}
console.log('fails', fails)
