// Shared setup for the L1 settlement e2e tests: a real Anvil, the real Redis (or a private
// redis-server the test can stop), and our sequencer as a child process posting to it.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Address, createPublicClient, type Hex, http, type PublicClient } from 'viem'
import { afterEach } from 'vitest'
import { fetchBatch, type L1Batch } from '../../prover-stub/fetchBatch.ts'
import { readBatchLogs } from '../../prover-stub/readBatchLogs.ts'
import { devAccounts, freePort, type RunningTarget, rpc, startAnvil, startNode, waitFor } from './harness.ts'

export const L1_CHAIN_ID = 31337

/** A batch as read back from L1 alone (its event, the tx that carried it, its decoded data): derivation's own reader. */
export type { L1Batch }

export type Devnet = {
  anvil: RunningTarget
  node: RunningTarget
  l1: PublicClient
  rollup: Address
  bridge: Address
  /** the node's env, to restart it the same way */
  env: Record<string, string>
}

/** Starts Anvil (chain 31337) and our node posting batches to it through Redis on a fresh queue prefix. */
export async function startDevnet(opts: {
  anvilArgs?: string[]
  env?: Record<string, string>
  redisUrl?: string
}): Promise<Devnet> {
  const anvil = await startAnvil({ chainId: L1_CHAIN_ID, args: opts.anvilArgs ?? ['--block-time', '1'] })
  const env: Record<string, string> = {
    L1_RPC_URL: anvil.url,
    REDIS_URL: opts.redisUrl ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `e2e-${randomUUID()}`,
    BATCH_MAX_AGE_MS: '800',
    L1_POLL_MS: '200',
    L1_CONFIRMATIONS: '2',
    POST_RESUBMIT_MS: '1500',
    EXECUTOR_WORKERS: '0',
    LOG_LEVEL: 'info',
    ...opts.env,
  }
  const node = await startNode({ env })
  const l1 = createPublicClient({ transport: http(anvil.url), cacheTime: 0 })
  const deployments = JSON.parse(readFileSync(join(node.dataDir, 'deployments.json'), 'utf8')) as {
    rollup: Address
    bridge: Address
  }
  return { anvil, node, l1, rollup: deployments.rollup, bridge: deployments.bridge, env }
}

/** Every batch the rollup contract holds, read from L1 only (events + calldata of their txs), as derivation reads it. */
export async function readL1Batches(l1: PublicClient, rollup: Address): Promise<L1Batch[]> {
  const logs = await readBatchLogs(l1, { rollup, fromBlock: 0n, toBlock: await l1.getBlockNumber() })
  return await Promise.all(logs.map((log) => fetchBatch(l1, { rollup, log })))
}

/** Registers an afterEach that stops every devnet `start` started in the test; returns `start`. */
export function useDevnets(): (opts?: Parameters<typeof startDevnet>[0]) => Promise<Devnet> {
  let running: Devnet[] = []
  afterEach(async () => {
    for (const d of running) {
      await d.node.stop()
      await d.anvil.stop()
    }
    running = []
  })
  return async (opts = {}) => {
    const d = await startDevnet(opts)
    running.push(d)
    return d
  }
}

type RpcBatch = {
  index: Hex
  status: string
  firstBlock: Hex
  lastBlock: Hex
  reposts: Hex
  l1TransactionHash: Hex | null
}

export const batchOf = (node: RunningTarget, index: number) =>
  rpc<RpcBatch | null>(node.url, 'rollup_getBatch', [`0x${index.toString(16)}`])

export const rollupStatus = (node: Pick<RunningTarget, 'url'>) =>
  rpc<{
    head: Hex
    batches: Record<string, Hex>
    latestPosted: RpcBatch | null
    latestConfirmed: RpcBatch | null
    latestAttested: RpcBatch | null
    latestFinalized: RpcBatch | null
  }>(node.url, 'rollup_status')

/** Waits until every L2 block up to `block` is in a batch with status in `statuses`. */
export async function waitForBatched(
  node: RunningTarget,
  block: bigint,
  statuses: 'posted' | 'confirmed',
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(
    `L2 block ${block} ${statuses} on L1`,
    async () => {
      const s = await rollupStatus(node)
      const b = statuses === 'posted' ? s.latestPosted : s.latestConfirmed
      return b && BigInt(b.lastBlock) >= block ? true : undefined
    },
    timeoutMs,
    200,
  )
}

/**
 * Checks that the batches on L1 are exactly the L2 chain: indexes 0..n-1 once each, contiguous
 * block ranges from block 1, each block's timestamp and raw transactions as the node serves them,
 * parent hashes and output roots chained.
 */
export async function expectL1MatchesL2(node: RunningTarget, batches: L1Batch[]): Promise<bigint> {
  const sorted = [...batches].sort((a, b) => a.index - b.index)
  sorted.forEach((b, i) => {
    if (b.index !== i) throw new Error(`batch indexes on L1 are ${sorted.map((x) => x.index).join(',')}`)
  })
  let next = 1n
  for (const b of sorted) {
    const first = b.batch.blocks[0].number
    if (first !== next) throw new Error(`batch ${b.index} starts at ${first}, expected ${next}`)
    const parent = await rpc<{ hash: Hex }>(node.url, 'eth_getBlockByNumber', [`0x${(first - 1n).toString(16)}`, false])
    if (parent.hash !== b.batch.parentHash) throw new Error(`batch ${b.index} parent hash differs`)
    for (const blk of b.batch.blocks) {
      const got = await rpc<{ timestamp: Hex; transactions: Hex[]; hash: Hex; stateRoot: Hex }>(
        node.url,
        'eth_getBlockByNumber',
        [`0x${blk.number.toString(16)}`, false],
      )
      if (BigInt(got.timestamp) !== blk.timestamp) throw new Error(`block ${blk.number} timestamp differs`)
      const raws = await Promise.all(
        got.transactions.map((h) => rpc<Hex>(node.url, 'eth_getRawTransactionByHash', [h])),
      )
      // deposits lead the block; the batch carries them apart from the signed txs
      const onL1 = [...blk.deposits, ...blk.transactions]
      if (JSON.stringify(raws) !== JSON.stringify(onL1))
        throw new Error(`block ${blk.number}: L1 carries ${onL1.length} txs, L2 has ${raws.length} (or they differ)`)
    }
    const last = b.batch.blocks[b.batch.blocks.length - 1].number
    if (last !== b.lastL2Block) throw new Error(`batch ${b.index}: lastL2Block ${b.lastL2Block}, data ends at ${last}`)
    next = last + 1n
  }
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i].prevOutputRoot !== sorted[i - 1].outputRoot) throw new Error(`batch ${i} does not chain`)
  return next - 1n
}

/** Sends `n` ETH transfers from dev accounts 3..8 through the node; returns the highest block that included one. */
export async function sendTransfers(node: RunningTarget, n: number): Promise<bigint> {
  const { createWalletClient, parseEther } = await import('viem')
  const { chainOf } = await import('./harness.ts')
  const chain = chainOf(node)
  const l2 = createPublicClient({ chain, transport: http(node.url) })
  const hashes: Hex[] = []
  for (let i = 0; i < n; i++) {
    const from = devAccounts[3 + (i % 6)]
    const wallet = createWalletClient({ chain, account: from.account, transport: http(node.url) })
    hashes.push(await wallet.sendTransaction({ to: devAccounts[9].address, value: parseEther('0.001') }))
  }
  let max = 0n
  for (const hash of hashes) {
    const r = await l2.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 30_000 })
    if (r.status !== 'success') throw new Error(`transfer ${hash} failed`)
    if (r.blockNumber > max) max = r.blockNumber
  }
  return max
}

/** A private redis-server on a free port that a test may stop and start again (same port, empty). */
export async function startPrivateRedis(): Promise<{ url: string; stop(): Promise<void>; start(): Promise<void> }> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    })
    await waitFor('private redis-server', async () => {
      const net = await import('node:net')
      return await new Promise<boolean | undefined>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.end()
          resolve(true)
        })
        s.on('error', () => resolve(undefined))
      })
    })
  }
  const stop = async () => {
    const c = child
    if (!c || c.exitCode !== null) return
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve())
      c.kill('SIGKILL')
    })
  }
  await start()
  process.once('exit', () => child?.kill('SIGKILL'))
  return { url: `redis://127.0.0.1:${port}`, stop, start }
}
