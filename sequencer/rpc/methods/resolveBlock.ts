import type { Hash } from 'viem'
import { ResourceNotFoundError } from '../../../core/errors/rpc.ts'
import { createOutboxStore, type OutboxStore } from '../../../core/storage/outboxStore.ts'
import type { Node } from '../../node/createNode.ts'
import type { BlockNumberOrTag, BlockSelector } from '../params.ts'

const outboxes = new WeakMap<Node, OutboxStore>()

/**
 * The L2 block a settlement tag names. With an L1: 'safe' is the last block of the highest batch
 * posted to L1 (and still there), 'finalized' the last block of the highest batch the prover attested
 * on L1 (0 until one is). Without an L1 (the node alone) nothing settles, and both are the head, as
 * on a geth dev node.
 */
export function settledBlock(node: Node, tag: 'safe' | 'finalized'): bigint {
  if (!node.config.L1_RPC_URL) return node.head().number
  let outbox = outboxes.get(node)
  if (!outbox) outboxes.set(node, (outbox = createOutboxStore(node.db)))
  return tag === 'safe'
    ? outbox.settledBlock(['posted', 'confirmed', 'attested', 'finalized', 'disputed'])
    : outbox.settledBlock(['attested', 'finalized'])
}

/**
 * A block tag or number → block number. 'pending' is the head (this sequencer seals every few
 * hundred ms; pending nonces come from the pool instead); 'safe' and 'finalized' follow L1
 * settlement ({@link settledBlock}).
 */
export function resolveBlockNumber(node: Node, tag: BlockNumberOrTag | undefined): bigint {
  const head = node.head().number
  if (tag === 'safe' || tag === 'finalized') return settledBlock(node, tag)
  if (tag === undefined || tag === 'latest' || tag === 'pending') return head
  if (tag === 'earliest') return 0n
  return tag
}

/** An EIP-1898 selector → block number; throws geth's 'header not found' for an unknown block. */
export function resolveSelector(node: Node, sel: BlockSelector | undefined): bigint {
  if (sel && 'blockHash' in sel) {
    const h = node.chain.headerByHash(sel.blockHash as Hash)
    if (!h) throw new ResourceNotFoundError({ reason: `header for hash not found` })
    return BigInt(h.number as string)
  }
  const n = resolveBlockNumber(node, sel?.blockNumber)
  if (n > node.head().number) throw new ResourceNotFoundError({ reason: 'header not found' })
  return n
}
