import type { Address, PublicClient } from 'viem'
import { rollupAbi } from '../contracts/generated/Rollup.ts'
import { forEachBlockRange } from '../core/l1/blockRanges.ts'
import { type BatchLog, toBatchLog } from './batchLog.ts'

/** Parameters for {@link readBatchLogs}. */
export type ReadBatchLogsParameters = {
  rollup: Address
  fromBlock: bigint
  toBlock: bigint
  /** L1 blocks per `eth_getLogs` call (default 2,000; public RPCs cap ranges). */
  chunkSize?: bigint
}

/** Every `BatchSubmitted` log of `rollup` in `fromBlock..toBlock`, in L1 order, read `chunkSize` blocks at a time. */
export async function readBatchLogs(
  l1: Pick<PublicClient, 'getContractEvents'>,
  { rollup, fromBlock, toBlock, chunkSize = 2_000n }: ReadBatchLogsParameters,
): Promise<BatchLog[]> {
  const out: BatchLog[] = []
  await forEachBlockRange(fromBlock, toBlock, chunkSize, async (from, to) => {
    const logs = await l1.getContractEvents({
      address: rollup,
      abi: rollupAbi,
      eventName: 'BatchSubmitted',
      fromBlock: from,
      toBlock: to,
      strict: true,
    })
    for (const log of logs) {
      const b = log.removed ? undefined : toBatchLog(log)
      if (b) out.push(b)
    }
  })
  return out
}
