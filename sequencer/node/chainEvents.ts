import type { Hash } from 'viem'
import { blockPlaceOf, formatLog } from '../../core/chain/formatReceipt.ts'
import type { StoredBlock } from '../../core/storage/chainStore.ts'
import type { ChainEvents, RpcLog } from '../rpc/types.ts'
import type { Node } from './createNode.ts'

/** Adapts the node's events to what the WebSocket subscriptions listen to. */
export function chainEvents(node: Node): ChainEvents {
  return {
    onNewHead(fn) {
      const h = (b: StoredBlock) => fn(b.header)
      node.events.on('block', h)
      return () => node.events.off('block', h)
    },
    onLogs(fn) {
      const h = (b: StoredBlock) => {
        if (!b.logs.length) return
        const at = blockPlaceOf(b.header)
        fn(b.logs.map((l) => formatLog(l, at) as RpcLog))
      }
      node.events.on('block', h)
      return () => node.events.off('block', h)
    },
    onPendingTransaction(fn) {
      const h = (hash: Hash) => fn(hash)
      node.events.on('pendingTx', h)
      return () => node.events.off('pendingTx', h)
    },
  }
}
