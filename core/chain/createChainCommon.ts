import { type Common, createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common'
import { calculateSigRecovery } from '@ethereumjs/util'
import secp256k1 from 'secp256k1'
import { keccak256 } from '../crypto/keccak256.ts'

/** Parameters for {@link createChainCommon}. */
export type CreateChainCommonParameters = { chainId: number | bigint; hardfork?: Hardfork | string }

/**
 * The ethereumjs `Common` for a chain: its own chain id, the given hardfork (Prague for our chain,
 * Cancun for the official fixtures), and native crypto plugged in — `secp256k1` for sender recovery
 * (~25x the default noble path) and the native `keccak` for every hash the EVM and txs compute.
 */
export function createChainCommon({ chainId, hardfork = Hardfork.Prague }: CreateChainCommonParameters): Common {
  return createCustomCommon({ chainId: Number(chainId), name: `chain-${chainId}` }, Mainnet, {
    hardfork,
    customCrypto: { keccak256, ecrecover },
  })
}

/** ecrecover through the native secp256k1 binding: returns the 64-byte uncompressed public key. */
export function ecrecover(msgHash: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array, chainId?: bigint): Uint8Array {
  const recovery = calculateSigRecovery(v, chainId)
  if (recovery !== 0n && recovery !== 1n) throw new Error('invalid signature v value')
  const sig = new Uint8Array(64)
  sig.set(r.length > 32 ? r.subarray(r.length - 32) : r, 32 - Math.min(r.length, 32))
  sig.set(s.length > 32 ? s.subarray(s.length - 32) : s, 64 - Math.min(s.length, 32))
  const pub = secp256k1.ecdsaRecover(sig, Number(recovery), msgHash, false)
  return pub.subarray(1)
}
