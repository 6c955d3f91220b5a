import { type Address, decodeFunctionData, hexToBytes, type PublicClient } from 'viem'
import { rollupAbi } from '../contracts/generated/Rollup.ts'
import { type Batch, BatchDecodeError, batchDataHash, decodeBatch } from '../core/batch/index.ts'
import type { BatchLog } from './batchLog.ts'
import { DerivationError } from './errors.ts'

/** A batch as L1 alone holds it: its event, its posted bytes (from the tx input) and their decoding. */
export type L1Batch = BatchLog & { data: Uint8Array; batch: Batch }

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/**
 * Reads the batch bytes of `log` from the input of the L1 transaction that emitted it and decodes
 * them. The rollup contract does not store the bytes, so derivation relies on the batcher being an
 * EOA calling `submitBatch` on the rollup directly: a batch posted through another contract (a
 * multisig, a multicall) is not in its transaction's input and cannot be derived here.
 *
 * Checks, in order: the tx calls `submitBatch` on `rollup`; the call's arguments equal the event's;
 * keccak256(data) equals the data hash; the data decodes. Each failure is a `DerivationError`; an L1
 * transport error is thrown as it is (retry).
 */
export async function fetchBatch(
  l1: Pick<PublicClient, 'getTransaction'>,
  { rollup, log }: { rollup: Address; log: BatchLog },
): Promise<L1Batch> {
  const tx = await l1.getTransaction({ hash: log.txHash })
  const fail = (
    reason: DerivationError['reason'],
    p: { claimed?: string; computed?: string; details?: string; cause?: unknown } = {},
  ) => new DerivationError({ reason, batchIndex: log.index, ...p })

  if (!tx.to || !same(tx.to, rollup))
    throw fail('not a submitBatch call', {
      details: `tx ${log.txHash} calls ${tx.to ?? 'no contract (a creation)'}, not the rollup ${rollup}: the batcher must call submitBatch directly`,
    })
  let call: ReturnType<typeof decodeFunctionData<typeof rollupAbi>>
  try {
    call = decodeFunctionData({ abi: rollupAbi, data: tx.input })
  } catch (cause) {
    throw fail('not a submitBatch call', { details: `tx ${log.txHash} input is not a rollup call`, cause })
  }
  if (call.functionName !== 'submitBatch')
    throw fail('not a submitBatch call', { details: `tx ${log.txHash} calls ${call.functionName}` })
  const [index, prevOutputRoot, outputRoot, lastL2Block, dataHash, data] = call.args
  const differs = [
    index !== BigInt(log.index) && `index ${index} vs ${log.index}`,
    !same(prevOutputRoot, log.prevOutputRoot) && `prevOutputRoot ${prevOutputRoot} vs ${log.prevOutputRoot}`,
    !same(outputRoot, log.outputRoot) && `outputRoot ${outputRoot} vs ${log.outputRoot}`,
    lastL2Block !== log.lastL2Block && `lastL2Block ${lastL2Block} vs ${log.lastL2Block}`,
    !same(dataHash, log.dataHash) && `dataHash ${dataHash} vs ${log.dataHash}`,
  ].filter(Boolean)
  if (differs.length > 0)
    throw fail('call differs from event', { details: `tx ${log.txHash} (call vs event): ${differs.join('; ')}` })

  const bytes = hexToBytes(data)
  const computed = batchDataHash(bytes)
  if (!same(computed, log.dataHash)) throw fail('data hash mismatch', { claimed: log.dataHash, computed })
  let batch: Batch
  try {
    batch = decodeBatch(bytes)
  } catch (cause) {
    if (!(cause instanceof BatchDecodeError)) throw cause
    throw fail('invalid batch data', { details: cause.shortMessage, cause })
  }
  return { ...log, data: bytes, batch }
}
