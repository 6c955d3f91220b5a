import { type Address, bytesToHex, type Hex, type PublicClient } from 'viem'
import { BlockTimestampError, nextBlockEnv, parentHeaderOf } from '../core/chain/nextBlockEnv.ts'
import { dueDeposits } from '../core/deposits/depositRules.ts'
import { blockDepositOf } from '../core/deposits/depositTx.ts'
import { readDepositLogs } from '../core/deposits/readDepositLogs.ts'
import type { StoredBlock } from '../core/storage/chainStore.ts'
import { createDepositStore, type DepositStore } from '../core/storage/depositStore.ts'
import { InvalidBlockTransactionError } from '../executor/sequential.ts'
import type { StateDiff } from '../executor/state/types.ts'
import { sealBlock } from '../sequencer/block/sealBlock.ts'
import type { Node } from '../sequencer/node/createNode.ts'
import { decodeBlockTransactions } from './decodeBlockTransactions.ts'
import { DerivationError } from './errors.ts'
import type { L1Batch } from './fetchBatch.ts'
import { outputRootOfHeader } from './outputRootOfHeader.ts'

/** What deriving a batch needs of a node: its chain, state, executor and storage. */
export type DerivationNode = Pick<
  Node,
  'config' | 'common' | 'db' | 'chain' | 'stateStore' | 'world' | 'executor' | 'head' | 'setHead'
>

/** A batch re-executed and persisted; `outputRoot` is the computed root, `claimedOutputRoot` L1's. */
export type DerivedBatch = {
  index: number
  firstBlock: bigint
  lastBlock: bigint
  blocks: number
  txs: number
  l1Block: bigint
  dataHash: Hex
  /** The derived chain's last block. */
  blockHash: Hex
  stateRoot: Hex
  outputRoot: Hex
  claimedOutputRoot: Hex
  /** Whether the computed output root is the claimed one. */
  matches: boolean
  /** Deposits replayed (as listed by the batch, and forced in by the deadline rule). */
  deposits: number
  forcedDeposits: number
}

/** Where derivation reads the bridge's deposits (into the derived chain's own deposit table). */
export type DepositSourceL1 = { l1: PublicClient; bridge: Address; deployBlock: bigint }

/** Parameters for {@link deriveBatch}. */
export type DeriveBatchParameters = {
  batch: L1Batch
  /**
   * The bridge on L1: its logs up to the L1 block before the batch's are read into the derived
   * chain's deposit table first. Without it, only deposits already in that table can be replayed.
   */
  deposits?: DepositSourceL1
  /** Runs inside the SQLite transaction that persists the batch's blocks (a prover records its verdict there). */
  onPersist?(derived: DerivedBatch): void
}

/**
 * Rebuilds one batch's blocks on top of the node's head and persists them, all in one SQLite
 * transaction (a restart never finds half a batch). Checks, in order, each a `DerivationError`:
 * the batch's prevOutputRoot is the head's output root; its parent hash is the head's hash; its
 * blocks start at head + 1 and end at the event's lastL2Block; then per block: no deposits (not
 * supported yet), a timestamp not below the parent's, every transaction decodes and executes
 * ('verify' mode: a transaction that cannot be included invalidates the batch).
 *
 * Each block's environment comes from `nextBlockEnv` (the sequencer's rule) with the batch's
 * timestamp; it is executed by the node's executor and sealed with `sealBlock`, so the derived
 * chain is an ordinary node database. The output root is compared by the caller (`matches`): a wrong
 * claim does not make the blocks wrong, only the claim.
 *
 * On a thrown error the node's in-memory head and state may be ahead of its database: reopen the
 * node before deriving again.
 */
export async function deriveBatch(
  node: DerivationNode,
  { batch, deposits: source, onPersist }: DeriveBatchParameters,
): Promise<DerivedBatch> {
  const { index } = batch
  const depositStore = createDepositStore(node.db)
  // Everything the batch may include is on L1 before the block that carries it.
  if (source) await syncDeposits(source, depositStore, batch.l1Block - 1n)
  const head = node.head()
  const prev = outputRootOfHeader(head.header)
  if (batch.prevOutputRoot.toLowerCase() !== prev)
    throw new DerivationError({
      reason: 'prev output root mismatch',
      batchIndex: index,
      l2Block: head.number,
      claimed: batch.prevOutputRoot,
      computed: prev,
    })
  if (batch.batch.parentHash.toLowerCase() !== head.hash.toLowerCase())
    throw new DerivationError({
      reason: 'parent hash mismatch',
      batchIndex: index,
      l2Block: head.number,
      claimed: batch.batch.parentHash,
      computed: head.hash,
    })
  const blocks = batch.batch.blocks
  const first = blocks[0].number
  const last = blocks[blocks.length - 1].number
  if (first !== head.number + 1n)
    throw new DerivationError({
      reason: 'block number mismatch',
      batchIndex: index,
      l2Block: first,
      details: `the batch starts at L2 block ${first}, the derived chain's head is ${head.number}`,
    })
  if (last !== batch.lastL2Block)
    throw new DerivationError({
      reason: 'block number mismatch',
      batchIndex: index,
      l2Block: last,
      details: `the batch data ends at L2 block ${last}, its event says ${batch.lastL2Block}`,
    })

  const built: { block: StoredBlock; diff: StateDiff; l1Origin: bigint; nonces: bigint[] }[] = []
  let txs = 0
  let replayed = 0
  let forced = 0
  const deadline = BigInt(node.config.DEPOSIT_DEADLINE)
  const seqWindow = BigInt(node.config.SEQUENCING_WINDOW)
  let prevOrigin = depositStore.lastOrigin()
  let queue = depositStore.queued(1_000_000)
  for (const b of blocks) {
    const at = { batchIndex: index, l2Block: b.number }
    // L1 origin: never decreasing, before the batch's own L1 block, within the sequencing window.
    if (b.l1Origin < prevOrigin || b.l1Origin >= batch.l1Block || b.l1Origin + seqWindow < batch.l1Block)
      throw new DerivationError({
        reason: 'invalid l1 origin',
        ...at,
        details: `L1 origin ${b.l1Origin}: the previous block's is ${prevOrigin}, the batch is in L1 block ${batch.l1Block}, SEQUENCING_WINDOW ${seqWindow}`,
      })
    prevOrigin = b.l1Origin
    // The listed deposits are the next bridge nonces, each exactly the deposit tx of its L1 log,
    // from L1 blocks at or before the origin; due ones the block left out are forced in after them.
    for (const [k, listed] of b.deposits.entries()) {
      const e = queue[k]
      if (!e || e.l1BlockNumber > b.l1Origin || bytesToHex(blockDepositOf(e).raw) !== listed.toLowerCase())
        throw new DerivationError({
          reason: 'invalid deposit',
          ...at,
          details: e
            ? `deposit ${k} of the block is not bridge deposit ${e.nonce} (L1 block ${e.l1BlockNumber}) at origin ${b.l1Origin}`
            : `deposit ${k} of the block has no bridge deposit on L1 before the batch`,
        })
    }
    const count = Math.max(b.deposits.length, dueDeposits(queue, b.l1Origin, deadline))
    forced += count - b.deposits.length
    const included = queue.slice(0, count)
    queue = queue.slice(count)
    replayed += count
    const parent = node.head()
    let env: ReturnType<typeof nextBlockEnv>
    try {
      env = nextBlockEnv({ parent: parentHeaderOf(parent.header), config: node.config, timestamp: b.timestamp })
      if (included.length) env.deposits = included.map(blockDepositOf)
    } catch (cause) {
      if (!(cause instanceof BlockTimestampError)) throw cause
      throw new DerivationError({ reason: 'invalid timestamp', ...at, details: cause.shortMessage, cause })
    }
    const transactions = decodeBlockTransactions(node.common, b.transactions, at)
    let result: Awaited<ReturnType<DerivationNode['executor']['executeBlock']>>
    try {
      result = await node.executor.executeBlock({ state: node.world, env, txs: transactions, mode: 'verify' })
    } catch (cause) {
      if (!(cause instanceof InvalidBlockTransactionError)) throw cause
      throw new DerivationError({ reason: 'invalid transaction', ...at, details: cause.message, cause })
    }
    const block = sealBlock(node.common, env, result)
    // The head moves before the batch is persisted: the next block's BLOCKHASH needs this one.
    node.setHead(block)
    built.push({ block, diff: result.diff, l1Origin: b.l1Origin, nonces: included.map((e) => e.nonce) })
    txs += transactions.length
  }

  const tip = built[built.length - 1].block
  const computed = outputRootOfHeader(tip.header)
  const derived: DerivedBatch = {
    index,
    firstBlock: first,
    lastBlock: last,
    blocks: blocks.length,
    txs,
    l1Block: batch.l1Block,
    dataHash: batch.dataHash,
    blockHash: tip.hash,
    stateRoot: tip.header.stateRoot as Hex,
    outputRoot: computed,
    claimedOutputRoot: batch.outputRoot,
    matches: computed === batch.outputRoot.toLowerCase(),
    deposits: replayed,
    forcedDeposits: forced,
  }
  const window = BigInt(node.config.STATE_HISTORY_BLOCKS)
  node.db.transaction(() => {
    for (const { block, diff, l1Origin, nonces } of built) {
      node.chain.putBlock(block)
      node.stateStore.writeDiff(block.number, diff)
      depositStore.setOrigin(block.number, l1Origin)
      depositStore.markIncluded(nonces, block.number)
    }
    // As the producer does: state history is kept for the last STATE_HISTORY_BLOCKS blocks.
    if (last > window) node.stateStore.pruneHistory(last - window)
    onPersist?.(derived)
  })()
  return derived
}

/** Reads the bridge's logs into `store` up to L1 block `toBlock` (idempotent, resumes where it stopped). */
async function syncDeposits(source: DepositSourceL1, store: DepositStore, toBlock: bigint): Promise<void> {
  const from = (store.scannedTo() ?? source.deployBlock - 1n) + 1n
  if (from > toBlock) return
  await readDepositLogs(source.l1, {
    bridge: source.bridge,
    fromBlock: from,
    toBlock,
    onChunk(events, last) {
      store.add(events)
      store.setScannedTo(last)
    },
  })
}
