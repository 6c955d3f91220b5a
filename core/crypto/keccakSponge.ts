import createKeccakHash from 'keccak'

/** The sponge object behind the `keccak` package's hash streams (native add-on, or its JS fallback). */
export type KeccakSponge = {
  initialize(rate: number, capacity: number): void
  absorb(data: Uint8Array): void
  squeeze(length: number): Buffer
}

// `createKeccakHash()` builds a Node Transform stream per call (~4 µs); hashing tens of thousands of
// trie nodes per block needs the package's sponge driven directly, one reused instance (~1.3 µs).
// The sponge class is only reachable through a hash object, whichever backend loaded.
const probe = createKeccakHash('keccak256') as unknown as { _state?: KeccakSponge }
const Sponge = probe._state?.constructor as (new () => KeccakSponge) | undefined

/** The shared Keccak sponge, or `undefined` if this `keccak` version hides it (then use the stream API). */
export const keccakSponge: KeccakSponge | undefined =
  Sponge && typeof Sponge.prototype.squeeze === 'function' ? new Sponge() : undefined
