import createKeccakHash from 'keccak'
const S = (createKeccakHash('keccak256') as any)._state.constructor
const s = new S()
const b = new Uint8Array(100)
const bb = Buffer.alloc(100)
const time = (name: string, fn: () => void) => {
  const t = performance.now()
  for (let i = 0; i < 100000; i++) fn()
  console.log(name.padEnd(20), ((performance.now() - t) * 10).toFixed(0), 'ns')
}
for (let r = 0; r < 3; r++) {
  time('raw u8', () => { s.initialize(1088, 512); s.absorb(b); s.squeeze(32) })
  time('raw buf', () => { s.initialize(1088, 512); s.absorb(bb); s.squeeze(32) })
  time('view', () => { s.initialize(1088, 512); s.absorb(b); const d = s.squeeze(32); return new Uint8Array(d.buffer, d.byteOffset, 32) })
  time('init only', () => { s.initialize(1088, 512) })
  time('init+absorb', () => { s.initialize(1088, 512); s.absorb(b) })
  time('new u8 32', () => new Uint8Array(32))
  time('new u8 100', () => new Uint8Array(100))
  time('allocUnsafe 32', () => Buffer.allocUnsafe(32))
}
