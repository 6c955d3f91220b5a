import { createKeccak, type IHasher } from 'hash-wasm'
import { keccak256 as nobleKeccak256 } from 'viem'

// Keccak-256 runs tens of thousands of times per block (trie nodes, storage keys, tx hashes, log
// blooms, the EVM's KECCAK256), almost always on inputs under 600 bytes, where the cost is the call,
// not the permutation. Measured per hash of 20-110 bytes: hash-wasm 0.51 µs, the native `keccak`
// add-on 1.5 µs (three calls into C++ through its sponge), noble 5.4 µs. hash-wasm compiles its
// module asynchronously; until that is done (the first milliseconds of a process) noble (through viem)
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

/**
 * Keccak-256 of `data` (Ethereum's hash, not SHA3-256) as a plain 32-byte `Uint8Array` that owns its
 * own 32-byte buffer (never a view into shared memory).
 */
export function keccak256(data: Uint8Array): Uint8Array {
  const hasher = wasm
  // Safe to share: init/update/digest run synchronously, nothing can interleave.
  if (hasher !== undefined) return hasher.init().update(data).digest('binary')
  return fallbackKeccak256(data)
}

/** The hash used until the WebAssembly module is compiled (exported for its test). */
export function fallbackKeccak256(data: Uint8Array): Uint8Array {
  return nobleKeccak256(data, 'bytes')
}
