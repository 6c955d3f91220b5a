import { keccak256Buffer } from './keccak256Buffer.ts'

/** Keccak-256 of `data` (Ethereum's hash, not SHA3-256) as a plain 32-byte `Uint8Array`. */
export function keccak256(data: Uint8Array): Uint8Array {
  const digest = keccak256Buffer(data)
  // A plain Uint8Array, not the Buffer subclass, so `toEqual` against Uint8Arrays behaves. The digest
  // Buffer owns its ArrayBuffer (never pooled), so a view over it aliases nothing else.
  if (digest.buffer.byteLength !== 32) return new Uint8Array(digest)
  return new Uint8Array(digest.buffer, digest.byteOffset, 32)
}
