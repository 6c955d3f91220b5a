// What L1 holds, read from L1 alone, and whether it is exactly the L2 chain: the batches (events + calldata, as
// derivation reads them), and every transaction the batcher sent to the rollup (a batch posted twice would show
// there as a second successful or a reverted post). Shared by the chaos harness and the settlement e2e tests.
import type { Address, Hash, Hex, PublicClient } from 'viem'
import { batchAll, createRpcClient, type RpcClient, resultOf } from '../../bench/load/rpc.ts'
import { fetchBatch, type L1Batch } from '../../prover-stub/fetchBatch.ts'
import { readBatchLogs } from '../../prover-stub/readBatchLogs.ts'

export type { L1Batch }

/** Every batch the rollup contract holds (up to L1 block `toBlock`, default the head), read from L1 only (events + calldata of their txs), as derivation reads it. */
export async function readL1Batches(l1: PublicClient, rollup: Address, toBlock?: bigint): Promise<L1Batch[]> {
  const logs = await readBatchLogs(l1, { rollup, fromBlock: 0n, toBlock: toBlock ?? (await l1.getBlockNumber()) })
  return await Promise.all(logs.map((log) => fetchBatch(l1, { rollup, log })))
}

type L2Block = { hash: Hash; timestamp: Hex; transactions: Hash[] }

/**
 * Checks that the batches on L1 are exactly the L2 chain `node` serves: indexes 0..n-1 once each, contiguous block
 * ranges from block 1, each block's timestamp and raw transactions as the node serves them, parent hashes and
 * output roots chained. Throws on the first difference; returns the last L2 block on L1.
 */
export async function expectL1MatchesL2(node: { url: string }, batches: L1Batch[]): Promise<bigint> {
  const rpc = createRpcClient(node.url)
  const sorted = [...batches].sort((a, b) => a.index - b.index)
  sorted.forEach((b, i) => {
    if (b.index !== i) throw new Error(`batch indexes on L1 are ${sorted.map((x) => x.index).join(',')}`)
  })
  const last = sorted.length ? sorted[sorted.length - 1].lastL2Block : 0n
  const blocks = await readL2Blocks(rpc, last)
  const raws = await readRawTxs(
    rpc,
    blocks.flatMap((b) => b.transactions),
  )
  let next = 1n
  for (const b of sorted) {
    const first = b.batch.blocks[0].number
    if (first !== next) throw new Error(`batch ${b.index} starts at ${first}, expected ${next}`)
    if (blocks[Number(first - 1n)].hash !== b.batch.parentHash) throw new Error(`batch ${b.index} parent hash differs`)
    for (const blk of b.batch.blocks) {
      const got = blocks[Number(blk.number)]
      if (!got) throw new Error(`block ${blk.number} is on L1 but not on L2`)
      if (BigInt(got.timestamp) !== blk.timestamp) throw new Error(`block ${blk.number} timestamp differs`)
      // deposits lead the block; the batch carries them apart from the signed txs
      const onL1 = [...blk.deposits, ...blk.transactions]
      const onL2 = got.transactions.map((h) => raws.get(h))
      if (JSON.stringify(onL2) !== JSON.stringify(onL1))
        throw new Error(`block ${blk.number}: L1 carries ${onL1.length} txs, L2 has ${onL2.length} (or they differ)`)
    }
    const lastOfBatch = b.batch.blocks[b.batch.blocks.length - 1].number
    if (lastOfBatch !== b.lastL2Block)
      throw new Error(`batch ${b.index}: lastL2Block ${b.lastL2Block}, data ends at ${lastOfBatch}`)
    next = lastOfBatch + 1n
  }
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i].prevOutputRoot !== sorted[i - 1].outputRoot) throw new Error(`batch ${i} does not chain`)
  return next - 1n
}

/** L2 blocks 0..last (hashes, timestamps, tx hashes), in JSON-RPC batches. */
async function readL2Blocks(rpc: RpcClient, last: bigint): Promise<L2Block[]> {
  const calls = Array.from({ length: Number(last) + 1 }, (_, n) => ({
    method: 'eth_getBlockByNumber',
    params: [`0x${n.toString(16)}`, false],
  }))
  const replies = await batchAll(rpc, calls, { size: 500, concurrency: 2 })
  return replies.map((r, n) => {
    const b = resultOf<L2Block | null>(r, 'eth_getBlockByNumber')
    if (!b) throw new Error(`block ${n} is on L1 but not on L2`)
    return b
  })
}

/** Raw bytes of each tx hash, in JSON-RPC batches. */
async function readRawTxs(rpc: RpcClient, hashes: Hash[]): Promise<Map<Hash, Hex>> {
  const replies = await batchAll(
    rpc,
    hashes.map((h) => ({ method: 'eth_getRawTransactionByHash', params: [h] })),
    { size: 500, concurrency: 2 },
  )
  return new Map(hashes.map((h, i) => [h, resultOf<Hex>(replies[i], 'eth_getRawTransactionByHash')]))
}

/** Every transaction the batcher sent to the rollup that L1 holds, by outcome. */
export type BatcherPosts = {
  /** mined with status 1: one per batch on L1, or a batch was posted twice */
  succeeded: number
  /** mined but reverted (a post the contract refused: e.g. a second post of a batch already on L1) */
  reverted: Hash[]
}

/**
 * Reads every L1 block from `fromBlock` to `toBlock` (default the head) and classifies the batcher's transactions to the rollup by their
 * receipts. On a 1 s Anvil that is one block per second of the run: a few thousand small reads.
 */
export async function readBatcherPosts(
  l1Url: string,
  { rollup, batcher, fromBlock, toBlock }: { rollup: Address; batcher: Address; fromBlock: bigint; toBlock?: bigint },
): Promise<BatcherPosts> {
  const rpc = createRpcClient(l1Url)
  const head = toBlock ?? BigInt(await rpc.call<Hex>('eth_blockNumber'))
  const calls = []
  for (let n = fromBlock; n <= head; n++)
    calls.push({ method: 'eth_getBlockByNumber', params: [`0x${n.toString(16)}`, true] })
  const blocks = await batchAll(rpc, calls, { size: 100, concurrency: 2 })
  const posts: Hash[] = []
  for (const r of blocks) {
    const b = resultOf<{ transactions: { hash: Hash; from: Address; to: Address | null }[] } | null>(
      r,
      'eth_getBlockByNumber',
    )
    for (const tx of b?.transactions ?? [])
      if (tx.from.toLowerCase() === batcher.toLowerCase() && tx.to?.toLowerCase() === rollup.toLowerCase())
        posts.push(tx.hash)
  }
  const receipts = await batchAll(
    rpc,
    posts.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })),
    { size: 100, concurrency: 2 },
  )
  const out: BatcherPosts = { succeeded: 0, reverted: [] }
  receipts.forEach((r, i) => {
    const receipt = resultOf<{ status: Hex }>(r, 'eth_getTransactionReceipt')
    if (receipt.status === '0x1') out.succeeded++
    else out.reverted.push(posts[i])
  })
  return out
}
