import type { Hex } from 'viem'
import { outputRoot } from '../core/batch/index.ts'

/** The output root committing to a stored header (its `eth_getBlockBy*` JSON): keccak(version ‖ stateRoot ‖ hash). */
export function outputRootOfHeader(header: Record<string, unknown>): Hex {
  return outputRoot({ stateRoot: header.stateRoot as Hex, blockHash: header.hash as Hex })
}
