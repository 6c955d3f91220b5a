import type { Hash } from 'viem'
import { ResourceNotFoundError } from '../../../core/errors/rpc.ts'
import type { Node } from '../../node/createNode.ts'
import type { BlockNumberOrTag, BlockSelector } from '../params.ts'

/**
 * A block tag or number → block number. 'pending' is the head (this sequencer seals every few
 * hundred ms; pending nonces come from the pool instead); 'safe' and 'finalized' are the head
 * until L1 settlement defines them.
 */
export function resolveBlockNumber(node: Node, tag: BlockNumberOrTag | undefined): bigint {
  const head = node.head().number
  if (tag === undefined || tag === 'latest' || tag === 'pending' || tag === 'safe' || tag === 'finalized') return head
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
