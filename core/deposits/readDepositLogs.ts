import type { Address, PublicClient } from 'viem'
import { depositBridgeAbi } from '../../contracts/generated/DepositBridge.ts'
import { forEachBlockRange } from '../l1/blockRanges.ts'
import type { DepositEvent } from './depositTx.ts'

/**
 * The bridge's `DepositInitiated` logs in L1 blocks `[fromBlock, toBlock]`, in log order, read in
 * chunks of `chunk` blocks; `onChunk` sees each chunk's events and its last block (so a caller can
 * record progress chunk by chunk).
 */
export async function readDepositLogs(
  l1: PublicClient,
  {
    bridge,
    fromBlock,
    toBlock,
    chunk = 2_000n,
    onChunk,
  }: {
    bridge: Address
    fromBlock: bigint
    toBlock: bigint
    chunk?: bigint
    onChunk(events: DepositEvent[], lastBlock: bigint): void
  },
): Promise<void> {
  await forEachBlockRange(fromBlock, toBlock, chunk, async (from, to) => {
    const logs = await l1.getContractEvents({
      address: bridge,
      abi: depositBridgeAbi,
      eventName: 'DepositInitiated',
      fromBlock: from,
      toBlock: to,
      strict: true,
    })
    onChunk(
      logs.map((l) => ({
        nonce: l.args.nonce,
        from: l.args.from,
        to: l.args.to,
        amount: l.args.amount,
        l1BlockNumber: l.blockNumber,
        l1BlockHash: l.blockHash,
        logIndex: l.logIndex,
        l1TxHash: l.transactionHash,
      })),
      to,
    )
  })
}
