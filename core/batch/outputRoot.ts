import { bytesToHex, type Hex, hexToBytes, numberToBytes } from 'viem'
import { keccak256 } from '../crypto/keccak256.ts'
import { OutputRootInputError } from './errors.ts'

/** Version of the output root preimage, its first 32 bytes. */
export const OUTPUT_ROOT_VERSION = 0n

/** Parameters for {@link outputRoot}: the post-state of the batch's last L2 block. */
export type OutputRootParameters = { stateRoot: Hex; blockHash: Hex }

const HASH_HEX = /^0x[0-9a-fA-F]{64}$/

/**
 * The commitment posted with each batch: keccak256(bytes32(OUTPUT_ROOT_VERSION) ‖ stateRoot ‖ blockHash),
 * a 96-byte preimage. The OP Stack's v0 output root without the withdrawals storage root (no L2 to L1 messages yet).
 */
export function outputRoot({ stateRoot, blockHash }: OutputRootParameters): Hex {
  if (!HASH_HEX.test(stateRoot)) throw new OutputRootInputError({ field: 'stateRoot', value: stateRoot })
  if (!HASH_HEX.test(blockHash)) throw new OutputRootInputError({ field: 'blockHash', value: blockHash })
  const preimage = new Uint8Array(96)
  preimage.set(numberToBytes(OUTPUT_ROOT_VERSION, { size: 32 }), 0)
  preimage.set(hexToBytes(stateRoot), 32)
  preimage.set(hexToBytes(blockHash), 64)
  return bytesToHex(keccak256(preimage))
}
