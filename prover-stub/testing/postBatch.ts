// Builds batches from a running L2 node's blocks and posts them with the batcher key, for tests that
// play the batcher themselves (to post a wrong output root).
import { type Address, createPublicClient, createWalletClient, type Hex, http, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { rollupAbi } from '../../contracts/generated/Rollup.ts'
import { type Batch, batchDataHash, encodeBatch, outputRoot } from '../../core/batch/index.ts'
import { rpc } from '../../test/e2e/harness.ts'

type RpcBlock = { hash: Hex; stateRoot: Hex; timestamp: Hex; transactions: Hex[] }

const blockAt = (url: string, n: bigint) => rpc<RpcBlock>(url, 'eth_getBlockByNumber', [toHex(n), false])

/** The output root of L2 block `n` as the node serves it. */
export async function outputRootAt(url: string, n: bigint): Promise<Hex> {
  const b = await blockAt(url, n)
  return outputRoot({ stateRoot: b.stateRoot, blockHash: b.hash })
}

/** The batch of L2 blocks `first..last` as the node serves them (raw transactions included). */
export async function batchFromNode(url: string, first: bigint, last: bigint): Promise<Batch> {
  const parent = await blockAt(url, first - 1n)
  const blocks: Batch['blocks'] = []
  for (let n = first; n <= last; n++) {
    const b = await blockAt(url, n)
    const transactions = await Promise.all(b.transactions.map((h) => rpc<Hex>(url, 'eth_getRawTransactionByHash', [h])))
    blocks.push({ number: n, timestamp: BigInt(b.timestamp), l1Origin: 0n, deposits: [], transactions })
  }
  return { parentHash: parent.hash, blocks }
}

/** Posts `batch` as batch `index` with the given roots from `batcherKey`; resolves when mined. */
export async function postBatch(p: {
  l1RpcUrl: string
  rollup: Address
  batcherKey: Hex
  index: number
  prevOutputRoot: Hex
  outputRoot: Hex
  batch: Batch
}): Promise<{ txHash: Hex; l1Block: bigint }> {
  const transport = http(p.l1RpcUrl)
  const l1 = createPublicClient({ transport, pollingInterval: 200 })
  const wallet = createWalletClient({ account: privateKeyToAccount(p.batcherKey), transport })
  const data = encodeBatch(p.batch)
  const last = p.batch.blocks[p.batch.blocks.length - 1].number
  const txHash = await wallet.writeContract({
    chain: null,
    address: p.rollup,
    abi: rollupAbi,
    functionName: 'submitBatch',
    args: [BigInt(p.index), p.prevOutputRoot, p.outputRoot, last, batchDataHash(data), toHex(data)],
  })
  const r = await l1.waitForTransactionReceipt({ hash: txHash, timeout: 60_000 })
  if (r.status !== 'success') throw new Error(`submitBatch ${p.index} reverted`)
  return { txHash, l1Block: r.blockNumber }
}
