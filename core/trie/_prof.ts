import { randomFillSync } from 'node:crypto'
import { createStateTrie } from './createStateTrie.ts'
const random = (length: number) => randomFillSync(new Uint8Array(length))
const account = () => random(70 + Math.floor(Math.random() * 35))
const N = 100_000
const keys = Array.from({ length: N }, () => random(32))
const entries = keys.map((key) => [key, account()] as const)
const trie = createStateTrie({ entries })
trie.root()
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
const tu: number[] = [], tr: number[] = []
for (let r = 0; r < 30; r++) {
  const updates = Array.from({ length: 10_000 }, () => [keys[Math.floor(Math.random() * N)], account()] as const)
  let t = cpu()
  for (const [k, v] of updates) trie.put(k, v)
  tu.push(cpu() - t)
  t = cpu()
  trie.root()
  tr.push(cpu() - t)
}
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1].toFixed(1)
console.log('cpu ms: put median', med(tu), 'min', tu[0].toFixed(1), ' root median', med(tr), 'min', tr[0].toFixed(1))
