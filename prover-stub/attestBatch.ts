import type { Hex } from 'viem'
import { attestationTypes } from '../contracts/deploy.ts'
import { rollupAbi } from '../contracts/generated/Rollup.ts'
import { BaseError } from '../core/errors/base.ts'
import { type RollupWriter, revertName } from './rollupWriter.ts'

/** How an attestation ended: sent and mined, found already on L1, or impossible (the batch is disputed). */
export type AttestBatchResult =
  | { outcome: 'attested'; txHash: Hex }
  | { outcome: 'already attested' }
  | { outcome: 'disputed on L1' }

/** The rollup did not take an attestation that should have been taken (retried later). */
export class AttestationNotAcceptedError extends BaseError {
  override name = 'AttestationNotAcceptedError' as const
  constructor({ index, reason, cause }: { index: number; reason: string; cause?: unknown }) {
    super(`attestation of batch ${index} not accepted: ${reason}`, { cause, retryable: true })
  }
}

/**
 * Attests `outputRoot` for batch `index`: signs the EIP-712 `Attestation(batchIndex, outputRoot,
 * dataHash)` with the prover's key and sends `attest`, waiting for the receipt. Idempotent: a batch
 * already attested on L1 (by this prover before a restart, or by another) is not attested again.
 */
export async function attestBatch(
  w: RollupWriter,
  { index, outputRoot }: { index: number; outputRoot: Hex },
): Promise<AttestBatchResult> {
  const read = () =>
    w.l1.readContract({ address: w.rollup, abi: rollupAbi, functionName: 'getBatch', args: [BigInt(index)] })
  const rec = await read()
  if (rec.attested) return { outcome: 'already attested' }
  if (rec.disputed) return { outcome: 'disputed on L1' }
  if (rec.outputRoot.toLowerCase() !== outputRoot.toLowerCase())
    throw new AttestationNotAcceptedError({
      index,
      reason: `L1 now holds output root ${rec.outputRoot} (an L1 reorg?)`,
    })
  const attested = await w.l1.readContract({ address: w.rollup, abi: rollupAbi, functionName: 'attestedCount' })
  if (attested < BigInt(index))
    throw new AttestationNotAcceptedError({
      index,
      reason: `batch ${attested} is not attested yet (attestation is in order)`,
    })
  const signature = await w.account.signTypedData({
    domain: await w.domain(),
    types: attestationTypes,
    primaryType: 'Attestation',
    message: { batchIndex: BigInt(index), outputRoot, dataHash: rec.dataHash },
  })
  try {
    const { txHash, status } = await w.send({ functionName: 'attest', args: [BigInt(index), outputRoot, signature] })
    if (status === 'success') return { outcome: 'attested', txHash }
  } catch (err) {
    // Another attestation got in first (ours from before a restart, still pending then): look again.
    if (revertName(err) !== 'AttestationOutOfOrder') throw err
  }
  const after = await read()
  if (after.attested) return { outcome: 'already attested' }
  if (after.disputed) return { outcome: 'disputed on L1' }
  throw new AttestationNotAcceptedError({ index, reason: 'the attest transaction reverted' })
}
