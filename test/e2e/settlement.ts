// Shared setup for the L1 settlement e2e tests: a real Anvil, the real Redis (or a private
// redis-server the test can stop), and our sequencer as a child process posting to it.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Address, createPublicClient, type Hex, http, type PublicClient } from 'viem'
import { afterEach } from 'vitest'
import type { L1Batch } from '../../prover-stub/fetchBatch.ts'
import { devAccounts, freePort, type RunningTarget, rpc, startAnvil, startNode, waitFor } from './harness.ts'

export const L1_CHAIN_ID = 31337

// Reading L1's batches and checking them against the L2 chain: shared with the chaos harness (npm run chaos).
export { expectL1MatchesL2, readL1Batches } from '../../scripts/chaos/l1Batches.ts'
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
