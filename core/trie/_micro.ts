import { randomFillSync } from 'node:crypto'
import { NodeEncoder } from './NodeEncoder.ts'
import { keccak256 } from '../crypto/keccak256.ts'
const enc = new NodeEncoder()
const refs = Array.from({ length: 16 }, () => keccak256(randomFillSync(new Uint8Array(32))))
for (let r = 0; r < 5; r++) {
  let t = performance.now()
  for (let i = 0; i < 20000; i++) enc.branch(refs, null)
  console.log('branch', ((performance.now() - t) / 20) * 1000, 'ns')
  const b = new Uint8Array(532)
  t = performance.now()
  for (let i = 0; i < 20000; i++) keccak256(b)
  console.log('keccak532', ((performance.now() - t) / 20) * 1000, 'ns')
  const k = randomFillSync(new Uint8Array(32)), v = randomFillSync(new Uint8Array(90))
  t = performance.now()
  for (let i = 0; i < 20000; i++) enc.leaf(k, 5, v)
  console.log('leaf', ((performance.now() - t) / 20) * 1000, 'ns')
  t = performance.now()
  for (let i = 0; i < 20000; i++) new Uint8Array(v)
  console.log('copy90', ((performance.now() - t) / 20) * 1000, 'ns')
}
