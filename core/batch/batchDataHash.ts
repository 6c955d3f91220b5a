import { bytesToHex, type Hex } from 'viem'
import { keccak256 } from '../crypto/keccak256.ts'

/** keccak256 of the exact posted batch bytes: the `dataHash` that `Rollup.submitBatch` checks against `data`. */
export function batchDataHash(data: Uint8Array): Hex {
  return bytesToHex(keccak256(data))
}
