// Timings for the trie on the block-production path. Run: node --import tsx core/trie/trie.bench.ts
import { randomFillSync } from 'node:crypto'
import os from 'node:os'
import { keccak256 } from '../crypto/keccak256.ts'
import { createStateTrie } from './createStateTrie.ts'
import { orderedTrieRoot } from './orderedTrieRoot.ts'
import { trieRoot } from './trieRoot.ts'

const random = (length: number) => randomFillSync(new Uint8Array(length))
// An account-like value: rlp([nonce, balance, storageRoot, codeHash]) is ~70-105 bytes.
const account = () => random(70 + Math.floor(Math.random() * 35))

const cpuNow = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]

// Runs `fn` (after `setup`, untimed) `runs` times; reports wall-clock median and best, and the median
// process CPU time, which stays meaningful when other work shares the machine.
function bench(name: string, runs: number, fn: () => void, setup: () => void = () => {}): void {
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i++) {
    setup()
    const startCpu = cpuNow()
    const start = performance.now()
    fn()
    wall.push(performance.now() - start)
    cpu.push(cpuNow() - startCpu)
  }
  const ms = (value: number) => `${value.toFixed(1).padStart(7)} ms`
  console.log(`${name.padEnd(60)} median ${ms(median(wall))}  best ${ms(Math.min(...wall))}  cpu ${ms(median(cpu))}`)
}

console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model}, load ${os.loadavg()[0].toFixed(2)}`)

const small = random(32)
const large = random(532)
bench('keccak256 x 100k, 32-byte input', 5, () => {
  for (let i = 0; i < 100_000; i++) keccak256(small)
})
bench('keccak256 x 100k, 532-byte input (a full branch node)', 5, () => {
  for (let i = 0; i < 100_000; i++) keccak256(large)
})

const txs = Array.from({ length: 10_000 }, () => random(110))
bench('orderedTrieRoot, 10k x 110-byte values', 20, () => orderedTrieRoot(txs))
const receipts = Array.from({ length: 1_000 }, () => random(300))
bench('orderedTrieRoot, 1k x 300-byte values', 20, () => orderedTrieRoot(receipts))

const N = 100_000
const keys = Array.from({ length: N }, () => random(32))
const values = keys.map(() => account())
const entries = keys.map((key, i) => [key, values[i]] as const)
bench('trieRoot, 100k random keys (unsorted)', 5, () => trieRoot(entries))

let trie = createStateTrie()
bench('createStateTrie({ entries }) 100k + first root()', 5, () => {
  trie = createStateTrie({ entries })
  trie.root()
})
bench('createStateTrie(), 100k put() + first root()', 3, () => {
  const t = createStateTrie()
  for (const [key, value] of entries) t.put(key, value)
  t.root()
})

let updates: [Uint8Array, Uint8Array][] = []
const pickUpdates = () => {
  updates = Array.from({ length: 10_000 }, () => [keys[Math.floor(Math.random() * N)], account()])
}
bench(
  '100k-key trie: 10k random updates + root()',
  20,
  () => {
    for (const [key, value] of updates) trie.put(key, value)
    trie.root()
  },
  pickUpdates,
)
bench(
  '100k-key trie: 10k random updates only (no root)',
  20,
  () => {
    for (const [key, value] of updates) trie.put(key, value)
  },
  pickUpdates,
)
bench(
  '100k-key trie: root() after 10k updates (hashing only)',
  20,
  () => trie.root(),
  () => {
    pickUpdates()
    for (const [key, value] of updates) trie.put(key, value)
  },
)
bench(
  '100k-key trie: 1k updates + root()',
  20,
  () => {
    for (const [key, value] of updates.slice(0, 1_000)) trie.put(key, value)
    trie.root()
  },
  pickUpdates,
)
bench(
  '100k-key trie: 5k inserts + 5k deletes of new keys + root()',
  10,
  () => {
    for (const [key, value] of updates.slice(0, 5_000)) trie.put(key, value)
    for (const [key] of updates.slice(0, 5_000)) trie.delete(key)
    trie.root()
  },
  () => {
    updates = Array.from({ length: 5_000 }, () => [random(32), account()])
  },
)
