import { join } from 'node:path'
import { type Address, createPublicClient, type Hex, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import {
  checkDeployments,
  DeploymentsMismatchError,
  deployL1Contracts,
  type L1Deployments,
  readDeployments,
  writeDeployments,
} from '../contracts/deploy.ts'
import { outputRoot } from '../core/batch/index.ts'
import type { Config } from '../core/config/config.ts'
import { BaseError } from '../core/errors/base.ts'
import type { Logger } from '../core/log/logger.ts'
import { createDepositStore } from '../core/storage/depositStore.ts'
import { createOutboxStore } from '../core/storage/outboxStore.ts'
import { proveQueueName } from '../prover-stub/createProver.ts'
import { checkAdminHost } from './admin/checkAdminHost.ts'
import { AdminPortInUseError, type AdminServer, createAdminServer } from './admin/createAdminServer.ts'
import { createBatcher } from './batcher/createBatcher.ts'
import { createPoster, type Poster, postQueueName } from './batcher/createPoster.ts'
import { createBlockProducer, type DepositSource } from './block/createBlockProducer.ts'
import { createDashboardFeed } from './dashboard/createDashboardFeed.ts'
import { createBatchPipelineReader } from './dashboard/readBatchPipeline.ts'
import { summarizeMempool } from './dashboard/summarizeMempool.ts'
import { createDepositSource } from './deposits/createDepositSource.ts'
import { createDepositWatcher, type DepositWatcher } from './deposits/createDepositWatcher.ts'
import { createBlockRecorder } from './metrics/createBlockRecorder.ts'
import { createNodeMetrics, type NodeMetrics } from './metrics/createNodeMetrics.ts'
import { observePoster } from './metrics/observePoster.ts'
import { observeRpcMethods } from './metrics/observeRpcMethods.ts'
import { chainEvents } from './node/chainEvents.ts'
import { createNode, type Node } from './node/createNode.ts'
import { createMethodTable } from './rpc/methods/createMethodTable.ts'
import { rpcServerOptions } from './rpc/rpcServerOptions.ts'
import { createRpcServer } from './rpc/server.ts'

/** A running sequencer: the node, its RPC server and, with an L1, the batcher and poster. */
export type Sequencer = {
  node: Node
  url: string
  deployments?: L1Deployments
  poster?: Poster
  /** the admin server (metrics, dashboard, queue board); undefined if its port was taken */
  adminUrl?: string
  metrics: NodeMetrics
  close(): Promise<void>
}

/** The output root of the genesis block: batch 0's previous output root, fixed in the rollup contract. */
export function genesisOutputRoot(node: Node): Hex {
  const g = node.chain.headerByNumber(0n) as { hash: Hex; stateRoot: Hex }
  return outputRoot({ stateRoot: g.stateRoot, blockHash: g.hash })
}

/**
 * Where the rollup lives on L1: ROLLUP_ADDRESS/BRIDGE_ADDRESS if given, else the deployments file
 * (checked against the L1), else a fresh deployment with DEPLOYER_PRIVATE_KEY, written to the file.
 */
export async function resolveDeployments(
  config: Config,
  node: Node,
  log: Logger,
  /** Called when recorded deployments could not be checked at start (L1 down) and L1, once back, contradicts them. */
  onLateMismatch: (err: DeploymentsMismatchError) => void = () => {},
  signal?: AbortSignal,
): Promise<L1Deployments> {
  const l1RpcUrl = config.L1_RPC_URL!
  const genesis = genesisOutputRoot(node)
  const batcher = privateKeyToAccount(config.BATCHER_PRIVATE_KEY as Hex).address
  const prover = privateKeyToAccount(config.PROVER_PRIVATE_KEY as Hex).address
  const file = config.DEPLOYMENTS_FILE ?? join(config.DATA_DIR, 'deployments.json')
  let d: L1Deployments | undefined
  if (config.ROLLUP_ADDRESS) {
    if (!config.BRIDGE_ADDRESS) throw new BaseError('ROLLUP_ADDRESS is set but BRIDGE_ADDRESS is not')
    d = {
      l1ChainId: await createPublicClient({ transport: http(l1RpcUrl, { retryCount: 2 }) }).getChainId(),
      rollup: config.ROLLUP_ADDRESS as Address,
      bridge: config.BRIDGE_ADDRESS as Address,
      deployBlock: BigInt(config.L1_DEPLOY_BLOCK),
      batcher,
      prover,
      genesisOutputRoot: genesis,
    }
  } else d = readDeployments(file)
  if (d) {
    try {
      await checkDeployments({ l1RpcUrl, deployments: d })
    } catch (err) {
      // A sequencer restarted during an L1 outage must still serve L2 (it needs L1 only to post and to read
      // deposits, which wait for it anyway): recorded deployments are used unchecked and checked once L1 answers.
      if (err instanceof DeploymentsMismatchError || config.ROLLUP_ADDRESS) throw err
      log.warn(
        { file, reason: (err as Error).message },
        'L1 does not answer: starting with the recorded deployments; they are checked once it does',
      )
      void checkWhenL1Answers({ l1RpcUrl, deployments: d, log, pollMs: config.L1_POLL_MS, onLateMismatch, signal })
    }
    if (d.genesisOutputRoot.toLowerCase() !== genesis.toLowerCase())
      throw new BaseError(`the rollup at ${d.rollup} was deployed for another L2 genesis`, {
        details: `contract genesis output root ${d.genesisOutputRoot}, this chain's ${genesis}`,
        metaMessages: [`Remove ${file} (and the L1 state) or DATA_DIR to start over.`],
      })
    return d
  }
  log.info({ l1: l1RpcUrl }, 'deploying the rollup contracts to L1')
  d = await deployL1Contracts({
    l1RpcUrl,
    deployerKey: config.DEPLOYER_PRIVATE_KEY as Hex,
    batcher,
    prover,
    genesisOutputRoot: genesis,
  })
  writeDeployments(file, d)
  log.info(
    { file, rollup: d.rollup, bridge: d.bridge, l1Block: String(d.deployBlock) },
    'deployed the rollup contracts',
  )
  return d
}

/** Retries `checkDeployments` until L1 answers; a mismatch then goes to `onLateMismatch`. */
async function checkWhenL1Answers(p: {
  l1RpcUrl: string
  deployments: L1Deployments
  log: Logger
  pollMs: number
  onLateMismatch: (err: DeploymentsMismatchError) => void
  signal?: AbortSignal
}) {
  while (!p.signal?.aborted) {
    await new Promise((r) => setTimeout(r, Math.max(1000, p.pollMs)))
    if (p.signal?.aborted) return
    try {
      await checkDeployments({ l1RpcUrl: p.l1RpcUrl, deployments: p.deployments })
      p.log.info({ rollup: p.deployments.rollup }, 'L1 answers: the recorded deployments match it')
      return
    } catch (err) {
      if (err instanceof DeploymentsMismatchError) return p.onLateMismatch(err)
    }
  }
}

/**
 * Starts the sequencer: the node, the block producer, JSON-RPC (HTTP + WebSocket on one port) and,
 * when `L1_RPC_URL` is set, the batcher and the batch poster. Without an L1 it runs as an L2 node
 * only (blocks are produced and served, nothing is posted).
 */
export async function startSequencer({ config, log }: { config: Config; log: Logger }): Promise<Sequencer> {
  // refused before anything opens or deploys: the admin port has no authentication
  checkAdminHost({ host: config.ADMIN_HOST, allowPublic: config.ADMIN_ALLOW_PUBLIC })
  const node = await createNode({ config, log })
  // Stops the background check of recorded deployments (L1 down at start) when the sequencer closes.
  const lateCheck = new AbortController()
  let sequencer: Sequencer | undefined
  let lateMismatch: DeploymentsMismatchError | undefined
  // What the admin server shows: block records (the executor's timings and stats), metrics, the dashboard feed.
  const recorder = createBlockRecorder(node)
  node.executor = recorder.observe(node.executor)
  const outboxView = createOutboxStore(node.db)
  const metrics = createNodeMetrics({
    recorder,
    mempool: node.mempool,
    outbox: outboxView,
    head: () => node.head().number,
  })
  const feed = createDashboardFeed({
    chainId: config.CHAIN_ID,
    recorder,
    chain: node.chain,
    mempool: () => summarizeMempool(node.mempool),
    batches: createBatchPipelineReader({ db: node.db, outbox: outboxView, explorerUrl: config.L1_EXPLORER_URL }),
  })
  let deployments: L1Deployments | undefined
  let admin: AdminServer
  try {
    if (config.L1_RPC_URL)
      deployments = await resolveDeployments(
        config,
        node,
        log,
        (err) => {
          // As a mismatch found at start would: nothing may be posted to contracts this chain does not own.
          log.fatal({ err }, 'the recorded deployments do not match L1: stopping')
          process.exitCode = 1
          if (sequencer) void sequencer.close()
          else lateMismatch = err // still starting: start-up fails with it instead
        },
        lateCheck.signal,
      )
    admin = createAdminServer({
      host: config.ADMIN_HOST,
      port: config.ADMIN_PORT,
      allowPublic: config.ADMIN_ALLOW_PUBLIC,
      log,
      registry: metrics.registry,
      dashboard: feed,
      queues: deployments && {
        // the poster's queue, and the prover's when it shares this Redis and prefix (as in the devnet)
        names: [postQueueName(deployments.rollup), proveQueueName(deployments.rollup)],
        prefix: config.QUEUE_PREFIX,
        redisUrl: config.REDIS_URL,
      },
    })
  } catch (err) {
    lateCheck.abort()
    feed.close()
    metrics.close()
    recorder.close()
    await node.close()
    throw err
  }
  // Deposits: the watcher follows the bridge on L1; the producer puts them first in its blocks.
  let watcher: DepositWatcher | undefined
  let depositSource: DepositSource | undefined
  if (deployments) {
    const store = createDepositStore(node.db)
    const w = createDepositWatcher({
      store,
      log,
      l1RpcUrl: config.L1_RPC_URL!,
      bridge: deployments.bridge,
      deployBlock: deployments.deployBlock,
      confirmations: config.L1_CONFIRMATIONS,
      pollMs: config.L1_POLL_MS,
    })
    watcher = w
    depositSource = createDepositSource({
      store,
      origin: () => w.origin(),
      maxPerBlock: config.DEPOSITS_PER_BLOCK,
      deadline: BigInt(config.DEPOSIT_DEADLINE),
    })
  }
  const producer = createBlockProducer(node, { deposits: depositSource })
  const { methods: methodTable, close: closeFilters } = createMethodTable(node, {
    pendingBaseFee: producer.pendingBaseFee,
  })
  const methods = observeRpcMethods(methodTable, metrics)
  const server = createRpcServer({
    methods,
    events: chainEvents(node),
    log: log.child({ component: 'rpc' }),
    ...rpcServerOptions(config),
  })

  let poster: Poster | undefined
  let stopBatcher = () => {}
  let stopPosterMetrics = () => {}
  if (deployments) {
    const outbox = createOutboxStore(node.db)
    const batcher = createBatcher({
      db: node.db,
      outbox,
      log: log.child({ component: 'batcher' }),
      maxBytes: config.BATCH_MAX_BYTES,
      maxAgeMs: config.BATCH_MAX_AGE_MS,
      genesisOutputRoot: genesisOutputRoot(node),
      headNumber: () => node.head().number,
    })
    poster = createPoster({
      outbox,
      log,
      l1RpcUrl: config.L1_RPC_URL!,
      rollup: deployments.rollup,
      batcherKey: config.BATCHER_PRIVATE_KEY as Hex,
      redisUrl: config.REDIS_URL,
      queuePrefix: config.QUEUE_PREFIX,
      confirmations: config.L1_CONFIRMATIONS,
      pollMs: config.L1_POLL_MS,
      reorgWindow: config.L1_REORG_WINDOW,
      resubmitMs: config.POST_RESUBMIT_MS,
      maxBumps: config.POST_MAX_BUMPS,
    })
    const onBlock = (b: Parameters<typeof batcher.onBlock>[0]) => {
      try {
        batcher.onBlock(b)
      } catch (err) {
        log.error({ err, block: b.number }, 'batcher failed to take a block')
      }
    }
    node.events.on('block', onBlock)
    const p = poster
    stopPosterMetrics = observePoster(p, { outbox, metrics })
    batcher.events.on('sealed', () => void p.pump())
    batcher.start()
    await poster.start()
    watcher!.start()
    stopBatcher = () => {
      node.events.off('block', onBlock)
      batcher.stop()
    }
  } else log.warn('L1_RPC_URL is not set: running as an L2 node only, blocks are not posted to L1')

  const { url } = await server.start()
  producer.start()
  let adminUrl: string | undefined
  try {
    adminUrl = (await admin.start()).url
  } catch (err) {
    // Block production does not depend on the admin server: run without it rather than not at all.
    if (!(err instanceof AdminPortInUseError)) throw err
    log.error({ err: err.shortMessage }, 'admin server not started (metrics, dashboard, queues): port in use')
  }
  log.info(
    {
      url,
      admin: adminUrl,
      chainId: config.CHAIN_ID,
      head: node.head().number,
      dataDir: config.DATA_DIR,
      ...(deployments ? { l1: config.L1_RPC_URL, rollup: deployments.rollup, bridge: deployments.bridge } : {}),
    },
    'sequencer ready',
  )
  let closed: Promise<void> | undefined
  sequencer = {
    node,
    url,
    deployments,
    poster,
    adminUrl,
    metrics,
    close: () => (closed ??= closeAll()),
  }
  if (lateMismatch) {
    await sequencer.close()
    throw lateMismatch
  }
  return sequencer
  async function closeAll() {
    lateCheck.abort()
    // Reverse start order: stop taking requests, finish the block in progress, then close storage.
    await admin.close().catch((err) => log.error({ err }, 'admin server close failed'))
    await server.close().catch((err) => log.error({ err }, 'rpc close failed'))
    await producer.stop()
    stopBatcher()
    await watcher?.stop()
    stopPosterMetrics()
    await poster?.stop()
    closeFilters()
    feed.close()
    metrics.close()
    recorder.close()
    await node.close()
  }
}
