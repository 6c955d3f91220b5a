import type { Hex } from 'viem'
import { disputeTypes } from '../contracts/deploy.ts'
import { rollupAbi } from '../contracts/generated/Rollup.ts'
import { BaseError } from '../core/errors/base.ts'
import { type RollupWriter, revertName } from './rollupWriter.ts'

/** How a dispute ended: sent and mined, found already on L1, or impossible (the batch is attested). */
export type DisputeBatchResult =
  | { outcome: 'disputed'; txHash: Hex }
  | { outcome: 'already disputed' }
  | { outcome: 'attested on L1' }

/** The rollup did not take a dispute that should have been taken (retried later). */
export class DisputeNotAcceptedError extends BaseError {
  override name = 'DisputeNotAcceptedError' as const
  constructor({ index, reason, cause }: { index: number; reason: string; cause?: unknown }) {
    super(`dispute of batch ${index} not accepted: ${reason}`, { cause, retryable: true })
  }
}

/**
 * Disputes batch `index`: signs the EIP-712 `Dispute(batchIndex, claimedOutputRoot,
 * computedOutputRoot)` against the output root the contract stores and sends `dispute`, waiting for
 * the receipt. Idempotent: a batch already disputed on L1 is not disputed again.
 */
export async function disputeBatch(
  w: RollupWriter,
  { index, computedOutputRoot }: { index: number; computedOutputRoot: Hex },
): Promise<DisputeBatchResult> {
  const read = () =>
    w.l1.readContract({ address: w.rollup, abi: rollupAbi, functionName: 'getBatch', args: [BigInt(index)] })
  const rec = await read()
  if (rec.disputed) return { outcome: 'already disputed' }
  if (rec.attested) return { outcome: 'attested on L1' }
  const signature = await w.account.signTypedData({
    domain: await w.domain(),
    types: disputeTypes,
    primaryType: 'Dispute',
    message: { batchIndex: BigInt(index), claimedOutputRoot: rec.outputRoot, computedOutputRoot },
  })
  try {
    const { txHash, status } = await w.send({
      functionName: 'dispute',
      args: [BigInt(index), computedOutputRoot, signature],
    })
    if (status === 'success') return { outcome: 'disputed', txHash }
  } catch (err) {
    const name = revertName(err)
    if (name !== 'BatchIsDisputed' && name !== 'BatchAlreadyAttested') throw err
  }
  const after = await read()
  if (after.disputed) return { outcome: 'already disputed' }
  if (after.attested) return { outcome: 'attested on L1' }
  throw new DisputeNotAcceptedError({ index, reason: 'the dispute transaction reverted' })
}
