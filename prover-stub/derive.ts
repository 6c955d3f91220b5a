import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { type Address, createPublicClient, type Hex, http, type PublicClient } from 'viem'
import { rollupAbi } from '../contracts/generated/Rollup.ts'
import type { Config } from '../core/config/config.ts'
import type { Logger } from '../core/log/logger.ts'
import { createNode } from '../sequencer/node/createNode.ts'
import { type DerivedBatch, deriveBatch } from './deriveBatch.ts'
import { DataDirNotEmptyError, DerivationError, L1UnreachableError, RollupNotFoundError } from './errors.ts'
import { fetchBatch } from './fetchBatch.ts'
import { outputRootOfHeader } from './outputRootOfHeader.ts'
import { readBatchLogs } from './readBatchLogs.ts'

/** Parameters for {@link deriveFromL1}. */
export type DeriveFromL1Parameters = {
  l1RpcUrl: string
  rollup: Address
  /** The deposit bridge: its logs are the deposits derivation replays. */
  bridge: Address
  /** L1 block the rollup was deployed in: where the log scan starts. */
  deployBlock: bigint
  /** An empty (or missing) directory: the derived chain is written there as a node database. */
  dataDir: string
  /** The chain parameters (CHAIN_ID, genesis, COINBASE, BLOCK_GAS_LIMIT, MIN_BASE_FEE) must be the sequencer's. */
  config: Config
  log: Logger
  /** Last L1 block to read (default: the L1 head when derivation starts). */
  toBlock?: bigint
  /** L1 blocks per log query (default 2,000). */
  chunkSize?: bigint
  /** Called after each batch is derived, persisted and found to match its claimed output root. */
  onBatch?(derived: DerivedBatch): void | Promise<void>
}

/** What {@link deriveFromL1} rebuilt. */
export type DeriveFromL1Result = {
  batches: number
  blocks: number
  txs: number
  /** The L1 block the scan ended at. */
  l1Block: bigint
  genesisOutputRoot: Hex
  head: { number: bigint; hash: Hex; stateRoot: Hex }
  outputRoot: Hex
}

/** An L1 client with the transport errors of its first call turned into {@link L1UnreachableError}. */
async function connectL1(url: string): Promise<{ l1: PublicClient; head: bigint }> {
  const l1 = createPublicClient({ transport: http(url, { retryCount: 1, timeout: 15_000 }) })
  try {
    return { l1, head: await l1.getBlockNumber() }
  } catch (cause) {
    throw new L1UnreachableError({ url, cause })
  }
}

/**
 * Rebuilds the L2 chain from L1 data alone, from genesis, into an empty data directory, with the
 * sequential executor (the oracle, independent of the sequencer's parallel path). Checks that the
 * rollup's genesis output root is this chain's, then for every `BatchSubmitted` log from
 * `deployBlock`, in index order: fetches and decodes its data (`fetchBatch`), re-executes and
 * persists its blocks (`deriveBatch`), and compares the computed output root with the claimed one.
 * Stops at the first divergence with a `DerivationError` naming the batch, the L2 block and both
 * values. The directory is left as an ordinary node database holding every block derived.
 */
export async function deriveFromL1(p: DeriveFromL1Parameters): Promise<DeriveFromL1Result> {
  const log = p.log.child({ component: 'derive' })
  if (existsSync(join(p.dataDir, 'chain.sqlite'))) throw new DataDirNotEmptyError({ dataDir: p.dataDir })
  const { l1, head: l1Head } = await connectL1(p.l1RpcUrl)
  const toBlock = p.toBlock ?? l1Head
  const code = await l1.getCode({ address: p.rollup })
  if (!code || code === '0x') throw new RollupNotFoundError({ rollup: p.rollup, url: p.l1RpcUrl })

  const node = await createNode({ config: { ...p.config, DATA_DIR: p.dataDir, EXECUTOR_WORKERS: 0 }, log })
  try {
    const genesis = outputRootOfHeader(node.chain.headerByNumber(0n)!)
    const onL1 = await l1.readContract({ address: p.rollup, abi: rollupAbi, functionName: 'genesisOutputRoot' })
    if (onL1.toLowerCase() !== genesis)
      throw new DerivationError({
        reason: 'genesis mismatch',
        batchIndex: 0,
        l2Block: 0n,
        claimed: onL1,
        computed: genesis,
        details:
          'the rollup was deployed for another L2 genesis: are CHAIN_ID, GENESIS_*, COINBASE and BLOCK_GAS_LIMIT the sequencer’s?',
      })

    const logs = await readBatchLogs(l1, {
      rollup: p.rollup,
      fromBlock: p.deployBlock,
      toBlock,
      chunkSize: p.chunkSize,
    })
    log.info({ batches: logs.length, fromL1Block: p.deployBlock, toL1Block: toBlock }, 'read batch logs')
    let blocks = 0
    let txs = 0
    let outputRoot = genesis
    for (const [i, batchLog] of logs.entries()) {
      if (batchLog.index !== i)
        throw new DerivationError({
          reason: 'missing batch',
          batchIndex: i,
          details: `L1 logs jump from batch ${i - 1} to batch ${batchLog.index} (was deployBlock ${p.deployBlock} too late?)`,
        })
      const batch = await fetchBatch(l1, { rollup: p.rollup, log: batchLog })
      const derived = await deriveBatch(node, {
        batch,
        deposits: { l1, bridge: p.bridge, deployBlock: p.deployBlock },
      })
      if (derived.forcedDeposits > 0)
        log.warn({ batch: derived.index, forced: derived.forcedDeposits }, 'deposits past their deadline forced in')
      if (!derived.matches)
        throw new DerivationError({
          reason: 'output root mismatch',
          batchIndex: derived.index,
          l2Block: derived.lastBlock,
          claimed: derived.claimedOutputRoot,
          computed: derived.outputRoot,
        })
      blocks += derived.blocks
      txs += derived.txs
      outputRoot = derived.outputRoot
      log.info(
        { batch: derived.index, blocks: `${derived.firstBlock}-${derived.lastBlock}`, txs: derived.txs, outputRoot },
        'derived batch',
      )
      await p.onBatch?.(derived)
    }
    const h = node.head()
    return {
      batches: logs.length,
      blocks,
      txs,
      l1Block: toBlock,
      genesisOutputRoot: genesis,
      head: { number: h.number, hash: h.hash, stateRoot: h.header.stateRoot as Hex },
      outputRoot,
    }
  } finally {
    await node.close()
  }
}
