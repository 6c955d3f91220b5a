import type { Address, PublicClient } from 'viem'
import { rollupAbi } from '../contracts/generated/Rollup.ts'
import { type BatchLog, toBatchLog } from './batchLog.ts'

/** What the rollup contract records for a batch (`getBatch`). */
export type BatchRecord = {
  outputRoot: `0x${string}`
  dataHash: `0x${string}`
  lastL2Block: bigint
  l1Block: bigint
  attested: boolean
  disputed: boolean
}

/**
 * The contract's record of batch `index` and its `BatchSubmitted` log (looked up in the one L1 block
 * the record names); undefined while the contract holds no such batch or the log is not visible yet.
 */
export async function findBatchLog(
  l1: Pick<PublicClient, 'readContract' | 'getContractEvents'>,
  { rollup, index }: { rollup: Address; index: number },
): Promise<{ record: BatchRecord; log: BatchLog } | undefined> {
  const next = await l1.readContract({ address: rollup, abi: rollupAbi, functionName: 'nextBatchIndex' })
  if (BigInt(index) >= next) return undefined
  const record = await l1.readContract({
    address: rollup,
    abi: rollupAbi,
    functionName: 'getBatch',
    args: [BigInt(index)],
  })
  const logs = await l1.getContractEvents({
    address: rollup,
    abi: rollupAbi,
    eventName: 'BatchSubmitted',
    args: { index: BigInt(index) },
    fromBlock: record.l1Block,
    toBlock: record.l1Block,
    strict: true,
  })
  const log = logs.map((l) => toBatchLog(l)).find((l) => l !== undefined)
  return log ? { record, log } : undefined
}
