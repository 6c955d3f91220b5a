import type { Address, Hash } from 'viem'
import { nextBaseFee } from '../../core/chain/buildHeader.ts'
import { nextBlockEnv, parentHeaderOf } from '../../core/chain/nextBlockEnv.ts'
import type { BlockDeposit } from '../../core/deposits/depositTx.ts'
import { hashOf, knownSender, senderOf } from '../../executor/txCache.ts'
import type { BlockEnv } from '../../executor/types.ts'
import type { Node } from '../node/createNode.ts'
import { sealBlock } from './sealBlock.ts'

/** The block producer: seals a block every tick that has work, and an empty one when idle too long. */
export type BlockProducer = {
  start(): void
  /** Stops the timer and waits for the block in progress. */
  stop(): Promise<void>
  /** Produces one block now (used by the loop, and by tests). */
  produceBlock(): Promise<void>
  /** The base fee the next block will charge. */
  pendingBaseFee(): bigint
}

/**
 * Where a block's L1 deposits come from (the deposit watcher, when an L1 is configured): the origin
 * and the deposits to put first in the next block, and the bookkeeping done inside the block's
 * SQLite transaction.
 */
export type DepositSource = {
  next(): { l1Origin: bigint; deposits: BlockDeposit[] }
  /** Records the block's origin and marks its deposits included (inside the block's transaction). */
  commit(l2Block: bigint, l1Origin: bigint, deposits: readonly BlockDeposit[]): void
  /** Deposits are waiting: worth a block even with an empty pool. */
  hasWaiting(): boolean
}

/** Creates the producer for `node`; nothing runs until `start()`. */
export function createBlockProducer(node: Node, { deposits }: { deposits?: DepositSource } = {}): BlockProducer {
  const { config, mempool, chain, stateStore, mempoolStore, events } = node
  const log = node.log.child({ component: 'producer' })
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let lastBlockAt = Date.now()
  // when the last block started: spacing is counted from there, so a slow block does not add to it
  let lastStartAt = Date.now()
  // how many txs the last block took: a light block does not make the next one wait
  let lastBlockTxs = 0
  // whether the last block was cut by its gas or tx cap: a full block does not make the next one wait
  let lastBlockFull = false
  let stopped = false

  // A sealed block whose write waits for the next block to be on the workers (pipelining, see below), and
  // the function that writes it and makes it the head.
  let unwritten: { header: Record<string, unknown>; persist: () => void } | undefined
  // named functions (not arrows): CPU profiles show the write under the next block's executeBlock by these names
  function persistUnwritten() {
    const u = unwritten
    unwritten = undefined
    u?.persist()
  }
  /** The block the next one builds on: the last sealed, written or not. */
  const tipHeader = () => unwritten?.header ?? node.head().header

  const pendingBaseFee = () => pendingBaseFeeAfter(tipHeader())

  /**
   * Builds, executes and seals one block on the last sealed one. Returns whether it was cut by its size cap
   * (more work waiting). With `pipeline`, a full block's write is left to the next block: it runs once that
   * block's lanes are on the workers (the executor's `onDispatched`), so the SQLite transaction overlaps
   * the EVM work instead of preceding it; the caller must then produce the next block at once.
   */
  async function buildBlock(pipeline: boolean): Promise<boolean> {
    lastStartAt = Date.now()
    const t0 = performance.now()
    const parent = tipHeader()
    const parentTs = BigInt(parent.timestamp as string)
    const now = BigInt(Math.floor(Date.now() / 1000))
    // The same rule derivation replays from L1 (core/chain/nextBlockEnv.ts); only the timestamp is
    // the producer's: several blocks a second share one, and it never goes backwards (as on Arbitrum).
    const env: BlockEnv = nextBlockEnv({
      parent: parentHeaderOf(parent),
      config,
      timestamp: now > parentTs ? now : parentTs,
    })
    const l1 = deposits?.next()
    if (l1?.deposits.length) env.deposits = l1.deposits
    const { txs: picked, full } = mempool.select({
      baseFee: env.baseFeePerGas,
      maxGas: env.gasLimit,
      maxTxs: config.BLOCK_MAX_TXS,
    })
    for (const p of picked) knownSender(p.tx, p.sender)
    const tExec = performance.now()
    let result: Awaited<ReturnType<typeof node.executor.executeBlock>>
    try {
      result = await node.executor.executeBlock({
        state: node.world,
        env,
        txs: picked.map((p) => p.tx),
        mode: 'build',
        onDispatched: persistUnwritten,
      })
    } finally {
      // the previous block is written even when this one fails
      persistUnwritten()
    }
    const tSeal = performance.now()
    const block = sealBlock(node.common, env, result)
    node.noteBlockHash(block.number, block.hash)
    const senders = new Set<Address>(picked.map((p) => p.sender))
    const included = result.receipts.map((r) => r.txHash as Hash)
    for (const h of included) mempool.remove(h)
    // A tx left out for any reason but a full block cannot succeed on its own later (wrong nonce,
    // funds spent by an earlier tx, an input the EVM refuses): drop it rather than retry it in every
    // block. Its successors wait in the queue for the gap to fill, as geth does.
    const refused = result.rejected.filter((r) => !r.retryable)
    for (const r of refused) mempool.remove(hashOf(r.tx))
    const dropped = [
      ...refused.map((r) => ({ hash: hashOf(r.tx), sender: senderOf(r.tx), reason: r.reason })),
      ...mempool.reconcile(senders).map((d) => ({ hash: d.hash, sender: d.sender, reason: 'stale' })),
    ]
    lastBlockTxs = included.length
    lastBlockFull = full
    function persist() {
      const tPersist = performance.now()
      node.db.transaction(() => {
        chain.putBlock(block)
        if (l1) deposits!.commit(env.number, l1.l1Origin, l1.deposits)
        if (result.stats) chain.putStats(env.number, result.stats)
        stateStore.writeDiff(env.number, result.diff)
        mempoolStore.delete(included)
        mempoolStore.delete(dropped.map((d) => d.hash))
      })()
      node.setHead(block)
      lastBlockAt = Date.now()
      for (const r of result.rejected) log.debug({ tx: hashOf(r.tx), reason: r.reason }, 'left tx out of block')
      for (const d of dropped) log.info({ tx: d.hash, sender: d.sender, reason: d.reason }, 'dropped tx from pool')
      if (env.number % 64n === 0n && env.number > BigInt(config.STATE_HISTORY_BLOCKS))
        stateStore.pruneHistory(env.number - BigInt(config.STATE_HISTORY_BLOCKS))
      events.emit('block', block)
      log.info(
        {
          block: env.number,
          txs: included.length,
          ...(env.deposits ? { deposits: env.deposits.length } : {}),
          rejected: result.rejected.length,
          gasUsed: result.gasUsed,
          execMs: Math.round(tSeal - tExec),
          ...(result.stats && result.stats.mode === 'parallel'
            ? { lanes: result.stats.lanes, hits: result.stats.speculativeHits, reExecuted: result.stats.reExecutions }
            : {}),
          persistMs: Math.round(performance.now() - tPersist),
          // from the start of the block to its seal; the write may have waited for the next block's dispatch
          ms: Math.round(tSeal - t0),
        },
        'sealed block',
      )
    }
    // Pipelined only when the next block has work at its base fee (else the write would wait for nothing),
    // and not when this block took deposits: the next block's pick reads which ones are still queued.
    const next = pipeline && full && !stopped && !l1?.deposits.length
    if (next && mempool.hasExecutable(pendingBaseFeeAfter(block.header))) unwritten = { header: block.header, persist }
    else persist()
    return full
  }

  const pendingBaseFeeAfter = (h: Record<string, unknown>) =>
    nextBaseFee({
      gasUsed: BigInt(h.gasUsed as string),
      gasLimit: BigInt(h.gasLimit as string),
      baseFee: BigInt(h.baseFeePerGas as string),
      floor: config.MIN_BASE_FEE,
    })

  /**
   * Produces blocks now: one, or while each is cut by its size cap and work waits, the next at once, each
   * block's write overlapping the next one's execution. Every sealed block is written when it returns.
   */
  async function produceBlocks(): Promise<void> {
    try {
      // a block left unwritten (pipelined) needs the next one at once: its write runs inside that block
      do await buildBlock(true)
      while (unwritten && !stopped)
    } finally {
      persistUnwritten()
    }
  }

  // BLOCK_TIME_MS is the least time between two busy blocks, not a fixed beat: a tx that reaches an
  // idle node is sealed at once, and after a light block (< BLOCK_SPACING_MIN_TXS txs) the next one may
  // follow at once (eth_sendRawTransactionSync answers in one block's time); under load, blocks follow
  // each other every BLOCK_TIME_MS, counted from the previous block's start. A block cut by its size cap
  // (gas limit or BLOCK_MAX_TXS) with more waiting is followed at once: the spacing is there to gather
  // txs into a block, and a full block's worth is already waiting (production "on a timer and on a size
  // cap"). With nothing to do an empty block seals every IDLE_BLOCK_MS.
  const nextAllowed = () =>
    lastBlockFull || lastBlockTxs < config.BLOCK_SPACING_MIN_TXS
      ? Date.now()
      : Math.max(Date.now(), lastStartAt + config.BLOCK_TIME_MS)
  let timerAt = Number.POSITIVE_INFINITY
  const arm = (at: number) => {
    if (timer) clearTimeout(timer)
    timerAt = at
    timer = setTimeout(tick, Math.max(0, at - Date.now()))
  }
  const tick = async () => {
    timerAt = Number.POSITIVE_INFINITY
    if (stopped) return
    const idle = Date.now() - lastBlockAt >= config.IDLE_BLOCK_MS
    const work = idle || mempool.hasExecutable(pendingBaseFee()) || deposits?.hasWaiting()
    if (work) {
      running = produceBlocks().catch((err) => {
        log.fatal({ err }, 'block production failed; stopping')
        stopped = true
        process.exitCode = 1
        process.kill(process.pid, 'SIGTERM')
      })
      await running
      running = undefined
    }
    if (!stopped)
      // after a light block with work still waiting the next tick comes at once; the loop regulates
      // itself: txs pile up while a block runs, blocks grow heavy, and the spacing applies
      arm(work ? nextAllowed() : Date.now() + config.BLOCK_TIME_MS)
  }
  /** A tx was admitted: seal as soon as the spacing allows instead of waiting for the next beat. */
  const kick = () => {
    if (stopped || running) return
    const at = nextAllowed()
    if (at < timerAt) arm(at)
  }

  return {
    start() {
      stopped = false
      node.events.on('pendingTx', kick)
      arm(Date.now() + config.BLOCK_TIME_MS)
    },
    async stop() {
      stopped = true
      node.events.off('pendingTx', kick)
      if (timer) clearTimeout(timer)
      await running
    },
    produceBlock: () => buildBlock(false).then(() => {}),
    pendingBaseFee,
  }
}
