import { createKeccak, type IHasher } from 'hash-wasm'
import createKeccakHash from 'keccak'
import { keccakSponge } from './keccakSponge.ts'

// Keccak-256 runs tens of thousands of times per block (trie nodes, storage keys, tx hashes, log
// blooms, the EVM's KECCAK256), almost always on inputs under 600 bytes, where the cost is the call,
// not the permutation. Measured per hash of 20-110 bytes: hash-wasm 0.51 µs, the native `keccak`
// add-on 1.5 µs (three calls into C++ through its sponge), noble 5.4 µs. hash-wasm compiles its
// module asynchronously; until that is done (the first milliseconds of a process) the native sponge
// answers, with the same digest.
let wasm: IHasher | undefined

/** Resolves once the WebAssembly hasher is in use (tests await it; callers never need to). */
export const keccakWasmReady: Promise<boolean> = createKeccak(256).then(
  (hasher) => {
    wasm = hasher
    return true
  },
  () => false,
)

// Keccak-256: rate 1088 bits, capacity 512 bits, original Keccak padding (no SHA-3 suffix).
const RATE = 1088
const CAPACITY = 512

/**
 * Keccak-256 of `data` (Ethereum's hash, not SHA3-256) as a plain 32-byte `Uint8Array` that owns its
 * own 32-byte buffer (never a view into shared memory).
 */
export function keccak256(data: Uint8Array): Uint8Array {
  const hasher = wasm
  // Safe to share: init/update/digest run synchronously, nothing can interleave.
  if (hasher !== undefined) return hasher.init().update(data).digest('binary')
  return plain(nativeKeccak256(data))
}

/** Keccak-256 through the native add-on only (the fallback above; also a reference for tests). */
export function nativeKeccak256(data: Uint8Array): Buffer {
  const sponge = keccakSponge
  if (sponge === undefined)
    return createKeccakHash('keccak256')
      .update(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
      .digest()
  sponge.initialize(RATE, CAPACITY)
  sponge.absorb(data)
  return sponge.squeeze(32)
}

// A plain Uint8Array, not the Buffer subclass, so `toEqual` against Uint8Arrays behaves. The digest
// Buffer owns its ArrayBuffer (never pooled), so a view over it aliases nothing else.
function plain(digest: Buffer): Uint8Array {
  if (digest.buffer.byteLength !== 32) return new Uint8Array(digest)
  return new Uint8Array(digest.buffer, digest.byteOffset, 32)
}
