import { type Hex, numberToHex } from 'viem'
import { createOutboxStore, type OutboxBatch } from '../../../core/storage/outboxStore.ts'
import type { Node } from '../../node/createNode.ts'
import { parseParams, uint64Schema } from '../params.ts'
import type { MethodTable } from '../types.ts'
import { settledBlock } from './resolveBlock.ts'

/** A batch as the `rollup_*` methods return it (quantities as hex, like every Ethereum JSON-RPC answer). */
export function formatBatch(b: OutboxBatch) {
  return {
    index: numberToHex(b.index),
    status: b.status,
    firstBlock: numberToHex(b.firstBlock),
    lastBlock: numberToHex(b.lastBlock),
    size: b.data ? numberToHex(b.data.length) : null,
    dataHash: b.dataHash ?? null,
    prevOutputRoot: b.prevOutputRoot ?? null,
    outputRoot: b.outputRoot ?? null,
    l1TransactionHash: b.l1TxHash ?? null,
    l1BlockNumber: b.l1BlockNumber === undefined ? null : numberToHex(b.l1BlockNumber),
    l1BlockHash: b.l1BlockHash ?? null,
    reposts: numberToHex(b.reposts),
    lastError: b.lastError ?? null,
  }
}

/** `rollup_getBatch(index)` and `rollup_getBatchByL2Block(n)`, `rollup_status`: the batch outbox, read-only. */
export function rollupMethods(node: Node): MethodTable {
  const outbox = createOutboxStore(node.db)
  const byBlock = node.db.prepare<[{ n: number }], { idx: number }>(
    'SELECT idx FROM batches WHERE first_block <= @n AND last_block >= @n ORDER BY idx LIMIT 1',
  )
  const latest = (statuses: Parameters<typeof outbox.highestIndex>[0]) => {
    const i = outbox.highestIndex(statuses)
    return i < 0 ? null : formatBatch(outbox.get(i)!)
  }
  return {
    rollup_getBatch: (params) => {
      const [index] = parseParams(params, [uint64Schema], { minArgs: 1 })
      const b = outbox.get(Number(index))
      return b ? formatBatch(b) : null
    },
    rollup_getBatchByL2Block: (params) => {
      const [n] = parseParams(params, [uint64Schema], { minArgs: 1 })
      const row = byBlock.get({ n: Number(n) })
      return row ? formatBatch(outbox.get(row.idx)!) : null
    },
    rollup_status: () => {
      const counts = outbox.counts()
      return {
        head: numberToHex(node.head().number),
        batches: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, numberToHex(v)])) as Record<string, Hex>,
        latestSealed: latest(['sealed', 'submitted', 'posted', 'confirmed', 'attested', 'finalized', 'disputed']),
        latestPosted: latest(['posted', 'confirmed', 'attested', 'finalized']),
        latestConfirmed: latest(['confirmed', 'attested', 'finalized']),
        latestAttested: latest(['attested', 'finalized']),
        latestFinalized: latest(['finalized']),
        safeBlock: numberToHex(settledBlock(node, 'safe')),
        finalizedBlock: numberToHex(settledBlock(node, 'finalized')),
      }
    },
  }
}
