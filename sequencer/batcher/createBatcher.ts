import { EventEmitter } from 'node:events'
import type { Hex } from 'viem'
import { type BatchBlock, batchDataHash, encodeBatch, outputRoot } from '../../core/batch/index.ts'
import { DEPOSIT_TX_TYPE } from '../../core/deposits/depositTx.ts'
import type { Logger } from '../../core/log/logger.ts'
import type { StoredBlock } from '../../core/storage/chainStore.ts'
import type { Database } from '../../core/storage/openDatabase.ts'
import type { OutboxBatch, OutboxStore } from '../../core/storage/outboxStore.ts'

/** Parameters for {@link createBatcher}. */
export type CreateBatcherParameters = {
  db: Database
  outbox: OutboxStore
  log: Logger
  /** Cap on the posted bytes of one batch (version byte ‖ brotli(RLP)). */
  maxBytes: number
  /** A batch is sealed this long after it was opened at the latest. */
  maxAgeMs: number
  /** keccak(version ‖ genesis state root ‖ genesis hash): the previous output root of batch 0. */
  genesisOutputRoot: Hex
  /** The L2 head now, so blocks sealed while the batcher was down are batched on start. */
  headNumber(): bigint
  now?: () => number
}

/** Groups sealed L2 blocks into batches in the outbox; the poster takes them from there. */
export type Batcher = {
  /** Catches up with blocks produced while it was not running and starts the age timer. */
  start(): void
  stop(): void
  /** Adds a block just persisted by the producer (blocks arrive in order). */
  onBlock(block: StoredBlock): void
  /** Seals the open batch if its size or age says so (the timer calls this; tests may too). */
  maybeSeal(force?: boolean): OutboxBatch | undefined
  events: EventEmitter<{ sealed: [OutboxBatch] }>
}

/**
 * Age sealing pauses while this many sealed batches still wait for L1; the open batch grows instead, up to
 * `maxBytes`. Posting is one batch per L1 inclusion, so small batches sealed every `maxAgeMs` would otherwise pile up
 * faster than they are posted whenever L1 inclusion is slower than `maxAgeMs` (an outage of L1 or Redis, a slow L1):
 * a backlog that never drains. Found by `npm run chaos` (a 60 s L1 outage took 77 s to post).
 */
const MAX_WAITING_FOR_AGE = 2

// RLP overhead of one block item besides its txs: list header, timestamp, deposit list, tx list header.
const BLOCK_OVERHEAD = 16
// RLP list header of one raw tx (short-string header or long-string header + length).
const txOverhead = (n: number) => (n < 56 ? 1 : n < 256 ? 2 : n < 65_536 ? 3 : 4)

/**
 * Creates the batcher. The outbox, not memory, says which blocks are batched: the open batch is a
 * row that grows block by block, so a restart resumes it (blocks persisted while the batcher was
 * down are added by `start`).
 *
 * Sizing (as op-batcher's shadow compressor does, simpler): the raw payload size is tracked per
 * block; when it passes `maxBytes / ratio` (ratio = compressed/raw of the last sealed batch, 1 at
 * first) the batch is compressed and sealed. If the compressed bytes exceed `maxBytes`, trailing
 * blocks are moved to the next batch until it fits. A single block whose batch alone exceeds
 * `maxBytes` is sealed as it is: L1 must accept it (Anvil takes ~749 KB per 30M-gas tx). Age sealing waits while
 * batches are still waiting for L1 (MAX_WAITING_FOR_AGE), so a posting backlog drains in few large posts.
 */
export function createBatcher(p: CreateBatcherParameters): Batcher {
  const { db, outbox, log, maxBytes, maxAgeMs } = p
  const now = p.now ?? Date.now
  const events: Batcher['events'] = new EventEmitter()
  let ratio = 1
  let rawBytes = 0
  let timer: NodeJS.Timeout | undefined

  const headerOf = db.prepare<[number], { header_json: string }>('SELECT header_json FROM blocks WHERE number = ?')
  const rawTxsOf = db.prepare<[number], { raw: Uint8Array }>(
    'SELECT raw FROM block_txs WHERE block_number = ? ORDER BY idx',
  )
  const originOf = db.prepare<[number], { l1_block: number }>('SELECT l1_block FROM l1_origins WHERE l2_block = ?')

  const blockPayload = (n: bigint): { block: BatchBlock; hash: Hex; stateRoot: Hex; size: number } => {
    const row = headerOf.get(Number(n))
    if (!row) throw new Error(`batcher: block ${n} is not stored`)
    const header = JSON.parse(row.header_json) as { hash: Hex; stateRoot: Hex; timestamp: Hex }
    const raws = rawTxsOf.all(Number(n)).map((r) => r.raw)
    let size = BLOCK_OVERHEAD
    const deposits: Hex[] = []
    const transactions: Hex[] = []
    for (const raw of raws) {
      size += raw.length + txOverhead(raw.length)
      // deposits lead the block (type 0x7e); the batch carries them apart from the signed txs
      ;(raw[0] === DEPOSIT_TX_TYPE ? deposits : transactions).push(`0x${Buffer.from(raw).toString('hex')}` as Hex)
    }
    return {
      block: {
        number: n,
        timestamp: BigInt(header.timestamp),
        l1Origin: BigInt(originOf.get(Number(n))?.l1_block ?? 0),
        deposits,
        transactions,
      },
      hash: header.hash,
      stateRoot: header.stateRoot,
      size,
    }
  }

  const parentHashOf = (n: bigint): Hex => {
    const row = headerOf.get(Number(n - 1n))
    if (!row) throw new Error(`batcher: block ${n - 1n} is not stored`)
    return (JSON.parse(row.header_json) as { hash: Hex }).hash
  }

  const add = (number: bigint, size: number) => {
    const open = outbox.open()
    if (open) {
      if (number !== open.lastBlock + 1n) {
        if (number <= open.lastBlock) return // already batched (start() raced a block event)
        throw new Error(`batcher: block ${number} does not follow ${open.lastBlock}`)
      }
      outbox.extendOpen(open.index, number)
    } else {
      const last = outbox.last()
      const expected = last ? last.lastBlock + 1n : 1n
      if (number < expected) return
      if (number !== expected) throw new Error(`batcher: block ${number} does not follow ${expected - 1n}`)
      outbox.openBatch({ index: last ? last.index + 1 : 0, firstBlock: number, lastBlock: number, openedAt: now() })
      rawBytes = 0
    }
    rawBytes += size
  }

  /** Compresses blocks first..last; drops trailing blocks until the posted bytes fit (or one block is left). */
  const build = (open: OutboxBatch) => {
    const blocks: ReturnType<typeof blockPayload>[] = []
    for (let n = open.firstBlock; n <= open.lastBlock; n++) blocks.push(blockPayload(n))
    const parentHash = parentHashOf(open.firstBlock)
    for (;;) {
      const data = encodeBatch({ parentHash, blocks: blocks.map((b) => b.block) })
      const raw = blocks.reduce((s, b) => s + b.size, 0)
      if (data.length <= maxBytes || blocks.length === 1) {
        if (data.length > maxBytes)
          log.warn({ block: open.firstBlock, bytes: data.length, maxBytes }, 'one block alone exceeds BATCH_MAX_BYTES')
        return { data, blocks, raw }
      }
      // Keep the share that should fit at this compression ratio, at least one block fewer.
      const keep = Math.max(1, Math.min(blocks.length - 1, Math.floor((blocks.length * maxBytes * 0.95) / data.length)))
      blocks.length = keep
    }
  }

  /** Enough sealed batches already wait for L1 that sealing another by age would only add a small post. */
  const backlogged = () => outbox.byStatus(['sealed', 'submitted'], MAX_WAITING_FOR_AGE).length >= MAX_WAITING_FOR_AGE

  function maybeSeal(force = false): OutboxBatch | undefined {
    const open = outbox.open()
    if (!open) return undefined
    const aged = now() - open.openedAt >= maxAgeMs && !backlogged()
    const full = rawBytes * ratio >= maxBytes * 0.9
    if (!force && !aged && !full) return undefined
    const t0 = performance.now()
    const { data, blocks, raw } = build(open)
    const last = blocks[blocks.length - 1]
    const prev = open.index === 0 ? p.genesisOutputRoot : outbox.get(open.index - 1)?.outputRoot
    if (!prev) throw new Error(`batcher: batch ${open.index - 1} has no output root`)
    const fields = {
      lastBlock: last.block.number,
      data,
      dataHash: batchDataHash(data),
      prevOutputRoot: prev,
      outputRoot: outputRoot({ stateRoot: last.stateRoot, blockHash: last.hash }),
      sealedAt: now(),
    }
    const rest = open.lastBlock - last.block.number
    db.transaction(() => {
      outbox.seal(open.index, fields)
      if (rest > 0n)
        outbox.openBatch({
          index: open.index + 1,
          firstBlock: last.block.number + 1n,
          lastBlock: open.lastBlock,
          openedAt: open.openedAt,
        })
    })()
    ratio = raw > 0 ? Math.max(0.05, data.length / raw) : ratio
    rawBytes = 0
    if (rest > 0n) for (let n = last.block.number + 1n; n <= open.lastBlock; n++) rawBytes += blockPayload(n).size
    const sealed = outbox.get(open.index)!
    log.info(
      {
        batch: open.index,
        blocks: `${open.firstBlock}-${last.block.number}`,
        txs: blocks.reduce((s, b) => s + b.block.transactions.length, 0),
        bytes: data.length,
        rawBytes: raw,
        reason: force ? 'forced' : full ? 'size' : 'age',
        ms: Math.round(performance.now() - t0),
      },
      'sealed batch',
    )
    events.emit('sealed', sealed)
    return sealed
  }

  return {
    start() {
      const head = p.headNumber()
      const open = outbox.open()
      const last = outbox.last()
      let from = open ? open.lastBlock + 1n : last ? last.lastBlock + 1n : 1n
      if (open) for (let n = open.firstBlock; n <= open.lastBlock; n++) rawBytes += blockPayload(n).size
      for (; from <= head; from++) add(from, blockPayload(from).size)
      timer = setInterval(
        () => {
          try {
            maybeSeal()
          } catch (err) {
            log.error({ err }, 'sealing a batch failed')
          }
        },
        Math.min(250, maxAgeMs),
      )
      timer.unref()
      maybeSeal()
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = undefined
    },
    onBlock(block) {
      let size = BLOCK_OVERHEAD
      for (const t of block.txs) size += t.raw.length + txOverhead(t.raw.length)
      add(block.number, size)
      maybeSeal()
    },
    maybeSeal,
    events,
  }
}
