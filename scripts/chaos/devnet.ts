// The devnet the chaos run works on, all on loopback and all its own: an Anvil L1 (1 s blocks, state kept in a file
// so that it survives being stopped), a private redis-server (no persistence, so a restart comes back empty, as
// after a crash), and the sequencer as a child process posting to both on a fresh queue prefix.
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { type Address, createPublicClient, http, type PublicClient } from 'viem'
import { createRpcClient, type RpcClient } from '../../bench/load/rpc.ts'
import { readDeployments } from '../../contracts/deploy.ts'
import { configSchema } from '../../core/config/config.ts'
import { type RunningAnvil, startAnvil } from '../../core/devnet/anvil.ts'
import { type EnsuredRedis, ensureRedis } from '../../core/devnet/redis.ts'
import { BaseError } from '../../core/errors/base.ts'
import { createNodeProcess, type NodeProcess } from './nodeProcess.ts'

/** The L1's chain id (Anvil's default). */
export const L1_CHAIN_ID = 31337

/** A port the devnet needs is taken by something else. */
export class PortTakenError extends BaseError {
  override name = 'PortTakenError' as const
  constructor({ what, url }: { what: string; url: string }) {
    super(`${what} at ${url} is already running (not ours)`, {
      metaMessages: ['Pick other ports with --base-port.'],
    })
  }
}

/** Where the devnet's pieces listen: RPC base, admin base+1, Anvil base+10, Redis base+90. */
export const devnetPorts = (base: number) => ({ rpc: base, admin: base + 1, anvil: base + 10, redis: base + 90 })

/** The node's settings for a chaos run: quick batches and L1 polling, so recoveries show within seconds. */
export const CHAOS_NODE_ENV = {
  BATCH_MAX_AGE_MS: '1000',
  L1_POLL_MS: '250',
  L1_CONFIRMATIONS: '3',
  POST_RESUBMIT_MS: '3000',
  LOG_LEVEL: 'info',
} as const

/** A stoppable, restartable service of the devnet. */
export type Service = { url: string; running(): boolean; stop(): Promise<void>; start(): Promise<void> }

/** The running devnet. */
export type ChaosDevnet = {
  runDir: string
  node: NodeProcess
  /** JSON-RPC client of the L2 node */
  l2: RpcClient
  l1: PublicClient
  anvil: Service
  redis: Service
  rollup: Address
  bridge: Address
  deployBlock: bigint
  deploymentsFile: string
  batcher: Address
  /** L1_CONFIRMATIONS the node runs with */
  confirmations: number
  /** the node's IDLE_BLOCK_MS: the longest an L2 block may take when nothing happens */
  idleBlockMs: number
  close(): Promise<void>
}

/** Starts Anvil, the private Redis and the sequencer (which deploys the contracts) under `runDir`. */
export async function startChaosDevnet({
  runDir,
  basePort,
}: {
  runDir: string
  basePort: number
}): Promise<ChaosDevnet> {
  const ports = devnetPorts(basePort)
  mkdirSync(runDir, { recursive: true })
  const stateFile = path.join(runDir, 'l1', 'anvil-state.json')
  let anvil: RunningAnvil | undefined
  const anvilUrl = `http://127.0.0.1:${ports.anvil}`
  const anvilService: Service = {
    url: anvilUrl,
    running: () => anvil !== undefined,
    async start() {
      anvil = await startAnvil({ port: ports.anvil, chainId: L1_CHAIN_ID, blockTime: 1, stateFile })
    },
    async stop() {
      // SIGTERM: Anvil writes its state file on the way out, so the L1 comes back where it was.
      await anvil?.stop()
      anvil = undefined
    },
  }
  const redisUrl = `redis://127.0.0.1:${ports.redis}`
  let redis: EnsuredRedis | undefined
  const redisService: Service = {
    url: redisUrl,
    running: () => redis !== undefined,
    async start() {
      const r = await ensureRedis(redisUrl, { dataDir: path.join(runDir, 'redis') })
      if (!r.started) throw new PortTakenError({ what: 'a Redis', url: redisUrl })
      redis = r
    },
    async stop() {
      await redis?.stop()
      redis = undefined
    },
  }
  const dataDir = path.join(runDir, 'node')
  const env: Record<string, string> = {
    RPC_HOST: '127.0.0.1',
    RPC_PORT: String(ports.rpc),
    ADMIN_HOST: '127.0.0.1',
    ADMIN_PORT: String(ports.admin),
    DATA_DIR: dataDir,
    L1_RPC_URL: anvilUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `chaos-${randomUUID()}`,
    // this devnet deploys its own contracts: nothing from the caller's environment points elsewhere
    ROLLUP_ADDRESS: '',
    BRIDGE_ADDRESS: '',
    DEPLOYMENTS_FILE: '',
    ...CHAOS_NODE_ENV,
  }
  const url = `http://127.0.0.1:${ports.rpc}`
  const node = createNodeProcess({ env, url, logFile: path.join(runDir, 'node.log') })
  const close = async () => {
    await node.stop().catch(() => {})
    await anvilService.stop().catch(() => {})
    await redisService.stop().catch(() => {})
  }
  try {
    const l2 = createRpcClient(url)
    if (
      await l2.call('eth_chainId').then(
        () => true,
        () => false,
      )
    )
      throw new PortTakenError({ what: 'a JSON-RPC server', url })
    await redisService.start()
    await anvilService.start()
    await node.start()
    const deploymentsFile = path.join(dataDir, 'deployments.json')
    const d = readDeployments(deploymentsFile)
    if (!d) throw new BaseError(`the sequencer wrote no ${deploymentsFile}`)
    return {
      runDir,
      node,
      l2,
      l1: createPublicClient({ transport: http(anvilUrl, { retryCount: 0, timeout: 10_000 }), cacheTime: 0 }),
      anvil: anvilService,
      redis: redisService,
      rollup: d.rollup,
      bridge: d.bridge,
      deployBlock: d.deployBlock,
      deploymentsFile,
      batcher: d.batcher,
      confirmations: Number(env.L1_CONFIRMATIONS),
      idleBlockMs: Number(process.env.IDLE_BLOCK_MS || configSchema.shape.IDLE_BLOCK_MS.parse(undefined)),
      close,
    }
  } catch (err) {
    await close()
    throw err
  }
}
