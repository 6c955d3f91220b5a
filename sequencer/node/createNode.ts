import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import type { Common } from '@ethereumjs/common'
import { bytesToHex, hexToBytes } from '@ethereumjs/util'
import type { Address, Hash, Hex } from 'viem'
import { buildHeader } from '../../core/chain/buildHeader.ts'
import { createChainCommon } from '../../core/chain/createChainCommon.ts'
import { genesisDiff } from '../../core/chain/genesis.ts'
import type { Config } from '../../core/config/config.ts'
import { EMPTY_TRIE_ROOT } from '../../core/crypto/constants.ts'
import { createSenderRecovery, type SenderRecovery } from '../../core/crypto/createSenderRecovery.ts'
import { BaseError } from '../../core/errors/base.ts'
import type { Logger } from '../../core/log/logger.ts'
import { type ChainStore, createChainStore, type StoredBlock } from '../../core/storage/chainStore.ts'
import { createMempoolStore, type MempoolStore } from '../../core/storage/mempoolStore.ts'
import { type Database, openDatabase } from '../../core/storage/openDatabase.ts'
import { createStateStore, type StateStore } from '../../core/storage/stateStore.ts'
import { startWalCheckpointer } from '../../core/storage/walCheckpointer.ts'
import { type BlockExecutionStats, createParallelExecutor } from '../../executor/parallel.ts'
import { createSequentialExecutor, type ExecuteBlockParameters } from '../../executor/sequential.ts'
import type { StateReader } from '../../executor/state/types.ts'
import { createWorldState, type WorldState } from '../../executor/state/worldState.ts'
import type { ExecuteBlockResult } from '../../executor/types.ts'
import { decodeRawTransaction, type IntakeRules } from '../mempool/decodeRawTransaction.ts'
import { createMempool, type Mempool } from '../mempool/mempool.ts'

/** Asked for state at a block that is no longer (or not yet) kept. */
export class StateUnavailableError extends BaseError {
  override name = 'StateUnavailableError' as const
  constructor({ block, oldest }: { block: bigint; oldest: bigint }) {
    super(
      `historical state unavailable for block ${block}: state is kept from block ${oldest} (the last STATE_HISTORY_BLOCKS blocks)`,
    )
  }
}

/** What the producer runs blocks through: the parallel executor, or the sequential one with EXECUTOR_WORKERS=0. */
export type BlockExecutor = {
  executeBlock(params: ExecuteBlockParameters): Promise<ExecuteBlockResult & { stats?: BlockExecutionStats }>
  /** Warms up what the first block would otherwise wait for (the parallel executor's worker replicas). */
  prepare?(state: WorldState): Promise<void>
  close(): Promise<void>
}

/** Events the node emits for subscriptions, filters and waiting clients. */
export type NodeEvents = EventEmitter<{ block: [StoredBlock]; pendingTx: [Hash] }>

/** The running chain: storage, head state, pool and executor, shared by the block producer and the RPC methods. */
export type Node = {
  config: Config
  common: Common
  log: Logger
  db: Database
  chain: ChainStore
  stateStore: StateStore
  mempoolStore: MempoolStore
  world: WorldState
  mempool: Mempool
  executor: BlockExecutor
  events: NodeEvents
  intakeRules: IntakeRules
  /** Sender recovery for intake on its own thread (INTAKE_RECOVERY_THREADS), or undefined: on the main thread. */
  senderRecovery: SenderRecovery | undefined
  head(): { number: bigint; hash: Hex; header: Record<string, unknown> }
  /** The state after block `n`, from memory for the head, else from the history tables. */
  stateAt(n: bigint): StateReader
  /** Hash of block n (BLOCKHASH), cached for the last 256. */
  blockHash(n: bigint): Uint8Array | undefined
  /** Makes `block` the head after it has been persisted. */
  setHead(block: StoredBlock): void
  /**
   * Records a sealed block's hash for BLOCKHASH before the block is persisted and made the head: the block
   * producer starts executing the next block while the previous one is being written.
   */
  noteBlockHash(n: bigint, hash: Hex): void
  nextSeq(): number
  close(): Promise<void>
}

/** Opens (or creates at genesis) the node's chain under `config.DATA_DIR`. */
export async function createNode({ config, log }: { config: Config; log: Logger }): Promise<Node> {
  const common = createChainCommon({ chainId: config.CHAIN_ID })
  const db = openDatabase({ path: join(config.DATA_DIR, 'chain.sqlite'), synchronous: config.SQLITE_SYNCHRONOUS })
  const checkpointer = startWalCheckpointer(db, { log })
  const chain = createChainStore(db, common)
  const stateStore = createStateStore(db)
  const mempoolStore = createMempoolStore(db)
  const events: NodeEvents = new EventEmitter()
  events.setMaxListeners(0)

  let world: WorldState
  if (chain.headNumber() === undefined) {
    const diff = genesisDiff()
    world = createWorldState()
    const stateRoot = bytesToHex(world.applyDiff(diff)) as Hex
    const empty = bytesToHex(EMPTY_TRIE_ROOT) as Hex
    const header = buildHeader(
      common,
      {
        number: 0n,
        parentHash: `0x${'00'.repeat(32)}`,
        timestamp: BigInt(config.GENESIS_TIMESTAMP),
        coinbase: config.COINBASE as Address,
        stateRoot,
        transactionsRoot: empty,
        receiptsRoot: empty,
        logsBloom: `0x${'00'.repeat(256)}`,
        gasLimit: config.BLOCK_GAS_LIMIT,
        gasUsed: 0n,
        baseFeePerGas: config.GENESIS_BASE_FEE,
        prevRandao: `0x${'00'.repeat(32)}`,
        parentBeaconBlockRoot: `0x${'00'.repeat(32)}`,
      },
      [],
    )
    db.transaction(() => {
      stateStore.writeDiff(0n, diff)
      chain.putBlock({ number: 0n, hash: header.hash, headerRlp: header.rlp, header: header.json, txs: [], logs: [] })
    })()
    log.info({ chainId: config.CHAIN_ID, hash: header.hash, stateRoot }, 'created genesis')
  } else {
    const t0 = performance.now()
    world = createWorldState(stateStore.loadHead())
    const headNumber = chain.headNumber()!
    const stored = chain.headerByNumber(headNumber)!
    const root = bytesToHex(world.stateRoot())
    if (root !== stored.stateRoot)
      throw new BaseError('state root of the loaded state differs from the head block', {
        details: `head ${headNumber}: header ${stored.stateRoot}, loaded ${root}`,
      })
    log.info({ head: headNumber, stateRoot: root, ms: Math.round(performance.now() - t0) }, 'loaded chain')
  }

  let headNumber = chain.headNumber()!
  let headHeader = chain.headerByNumber(headNumber)!
  const hashCache = new Map<bigint, Uint8Array>()
  const blockHash = (n: bigint) => {
    let h = hashCache.get(n)
    if (!h) {
      const hex = chain.hashByNumber(n)
      if (!hex) return undefined
      h = hexToBytes(hex)
      hashCache.set(n, h)
      if (hashCache.size > 512) hashCache.delete(hashCache.keys().next().value!)
    }
    return h
  }
  const noteBlockHash = (n: bigint, hash: Hex) => {
    hashCache.set(n, hexToBytes(hash))
  }
  const executor: BlockExecutor =
    config.EXECUTOR_WORKERS > 0
      ? await createParallelExecutor({
          common,
          blockHash,
          workers: config.EXECUTOR_WORKERS,
          minParallelTxs: config.EXECUTOR_MIN_PARALLEL_TXS,
          log: log.child({ component: 'executor' }),
        })
      : { ...(await createSequentialExecutor({ common, blockHash })), close: async () => {} }
  const senderRecovery =
    config.INTAKE_RECOVERY_THREADS > 0 ? createSenderRecovery({ threads: config.INTAKE_RECOVERY_THREADS }) : undefined
  const mempool = createMempool({
    state: {
      nonce: (a) => world.getAccount(a)?.nonce ?? 0n,
      balance: (a) => world.getAccount(a)?.balance ?? 0n,
    },
    log: log.child({ component: 'mempool' }),
    maxTxs: config.MEMPOOL_MAX_TXS,
    maxPerSender: config.MEMPOOL_MAX_PER_SENDER,
    maxNonceGap: config.MEMPOOL_MAX_NONCE_GAP,
    priceBumpPercent: config.PRICE_BUMP_PERCENT,
    onEvict: (tx) => mempoolStore.delete([tx.hash]),
  })
  const intakeRules: IntakeRules = {
    common,
    chainId: BigInt(config.CHAIN_ID),
    blockGasLimit: config.BLOCK_GAS_LIMIT,
    minBaseFee: config.MIN_BASE_FEE,
  }

  let seq = 0
  // Restore the pool: txs that became invalid while the node was down are dropped for good.
  const stale: Hash[] = []
  for (const row of mempoolStore.all()) {
    seq = Math.max(seq, row.seq + 1)
    try {
      const tx = decodeRawTransaction(row.raw, intakeRules, row.seq)
      try {
        mempool.add(tx)
      } catch {
        stale.push(tx.hash)
      }
    } catch (err) {
      log.warn({ err }, 'dropping undecodable stored pool tx')
    }
  }
  if (stale.length) mempoolStore.delete(stale)
  if (mempool.size() || stale.length) log.info({ restored: mempool.size(), dropped: stale.length }, 'restored mempool')

  // Seed the executor's worker replicas now, in the background, rather than in the first busy block.
  executor.prepare?.(world).catch((err) => log.warn({ err }, 'warming the executor workers failed'))

  const window = BigInt(config.STATE_HISTORY_BLOCKS)
  return {
    config,
    common,
    log,
    db,
    chain,
    stateStore,
    mempoolStore,
    get world() {
      return world
    },
    mempool,
    executor,
    events,
    intakeRules,
    senderRecovery,
    head: () => ({ number: headNumber, hash: headHeader.hash as Hex, header: headHeader }),
    stateAt(n) {
      if (n === headNumber) return world
      const oldest = headNumber > window ? headNumber - window : 0n
      if (n > headNumber || n < oldest) throw new StateUnavailableError({ block: n, oldest })
      return stateStore.readerAt(n)
    },
    blockHash,
    setHead(block) {
      headNumber = block.number
      headHeader = block.header
      noteBlockHash(block.number, block.hash)
    },
    noteBlockHash,
    nextSeq: () => seq++,
    async close() {
      await executor.close()
      await senderRecovery?.close()
      await checkpointer.close()
      db.close()
    },
  }
}
