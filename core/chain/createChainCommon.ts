import { type Common, createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common'
import { calculateSigRecovery } from '@ethereumjs/util'
import secp256k1 from 'secp256k1'
import { keccak256 } from '../crypto/keccak256.ts'
import { BaseError } from '../errors/base.ts'

/** Parameters for {@link createChainCommon}. */
export type CreateChainCommonParameters = { chainId: number | bigint; hardfork?: Hardfork | string }

/**
 * The ethereumjs `Common` for a chain: its own chain id, the given hardfork (Prague for our chain,
 * Cancun for the official fixtures), and fast crypto plugged in — native `secp256k1` for sender recovery
 * (~25x the default noble path) and our keccak256 (WebAssembly, ~10x noble on short inputs) for every
 * hash the EVM and txs compute.
 */
export function createChainCommon({ chainId, hardfork = Hardfork.Prague }: CreateChainCommonParameters): Common {
  const common = createCustomCommon({ chainId: Number(chainId), name: `chain-${chainId}` }, Mainnet, {
    hardfork,
    customCrypto: { keccak256, ecrecover, ecsign: ecsign as never, kzg: unavailableKzg },
  })
  // Every ethereumjs tx copies its Common (re-deriving all EIP parameters: ~25 µs, a third of a
  // transfer's decode). Ours never changes fork after creation, so one instance is shared safely.
  common.copy = () => common
  // The EVM asks isActivatedEIP several times per opcode, and ethereumjs answers with Array.includes over
  // ~80 EIPs (7.3% of an ERC-20 block's time); a Set built from the same array answers the same.
  const internals = common as unknown as { _activatedEIPsCache: number[] }
  let eipsOf: number[] | undefined
  let eips = new Set<number>()
  common.isActivatedEIP = (eip: number) => {
    if (internals._activatedEIPsCache !== eipsOf) {
      eipsOf = internals._activatedEIPsCache
      eips = new Set(eipsOf)
    }
    return eips.has(eip)
  }
  // ...and every tx constructor re-merges the tx params into it (JSON deep copies each time); with
  // one shared instance a params object only needs merging once.
  const merged = new WeakSet<object>()
  const updateParams = common.updateParams.bind(common)
  common.updateParams = (params) => {
    if (merged.has(params)) return
    merged.add(params)
    updateParams(params)
  }
  return common
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

/** Signing through the native binding, in noble's 'recovered' layout (recovery byte, r, s) that ethereumjs expects. */
export function ecsign(msgHash: Uint8Array, privateKey: Uint8Array): Uint8Array {
  const { signature, recid } = secp256k1.ecdsaSign(msgHash, privateKey)
  const out = new Uint8Array(65)
  out[0] = recid
  out.set(signature, 1)
  return out
}

/** The KZG point-evaluation precompile (0x0a) was called; this node has no KZG backend loaded. */
export class KzgUnavailableError extends BaseError {
  override name = 'KzgUnavailableError' as const
  constructor() {
    super('KZG point evaluation is not available on this node')
  }
}

/**
 * Without a KZG library ethereumjs throws out of runTx when a contract calls the point-evaluation
 * precompile, so such a tx could never be included. This backend makes every proof check fail
 * inside the precompile instead (the call reverts and consumes its gas), deterministically on every
 * thread. The one KZG library on npm that needs no native build (kzg-wasm) takes ~11 s to load its
 * trusted setup here, per thread; wiring it is left for when blob support is in scope.
 */
const unavailable = (): never => {
  throw new KzgUnavailableError()
}
const unavailableKzg = {
  blobToKzgCommitment: unavailable,
  computeBlobProof: unavailable,
  verifyProof: unavailable,
  verifyBlobProofBatch: unavailable,
  computeCells: unavailable,
  computeCellsAndProofs: unavailable,
  recoverCellsAndProofs: unavailable,
  verifyCellKzgProofBatch: unavailable,
}
