import { type Hash, numberToHex } from 'viem'
import { formatTransaction } from '../../../core/chain/formatTransaction.ts'
import type { Node } from '../../node/createNode.ts'
import { blockNumberSchema, blockParamSchema, booleanSchema, hashSchema, parseParams, uint64Schema } from '../params.ts'
import type { MethodTable } from '../types.ts'
import { resolveBlockNumber, resolveSelector } from './resolveBlock.ts'

/** Chain identity, blocks, transactions and receipts. */
export function chainMethods(node: Node): MethodTable {
  const blockByNumber = (n: bigint, full: boolean) => {
    const header = node.chain.headerByNumber(n)
    if (!header) return null
    return { ...header, transactions: full ? node.chain.txsOfBlock(n) : node.chain.txHashesOfBlock(n) }
  }
  const txAt = (n: bigint | undefined, index: bigint) => {
    if (n === undefined) return null
    return node.chain.txsOfBlock(n)[Number(index)] ?? null
  }
  const numberOfHash = (hash: Hash) => {
    const h = node.chain.headerByHash(hash)
    return h ? BigInt(h.number as string) : undefined
  }
  return {
    eth_chainId: () => numberToHex(node.config.CHAIN_ID),
    net_version: () => String(node.config.CHAIN_ID),
    net_listening: () => true,
    net_peerCount: () => '0x0',
    web3_clientVersion: () => `parallel-rollup/v0.1.0/${process.platform}-${process.arch}/node${process.versions.node}`,
    eth_syncing: () => false,
    eth_accounts: () => [],
    eth_blockNumber: () => numberToHex(node.head().number),
    eth_getBlockByNumber: (params) => {
      const [tag, full] = parseParams(params, [blockNumberSchema, booleanSchema], { minArgs: 2 })
      return blockByNumber(resolveBlockNumber(node, tag), full)
    },
    eth_getBlockByHash: (params) => {
      const [hash, full] = parseParams(params, [hashSchema, booleanSchema], { minArgs: 2 })
      const n = numberOfHash(hash)
      return n === undefined ? null : blockByNumber(n, full)
    },
    eth_getBlockTransactionCountByNumber: (params) => {
      const [tag] = parseParams(params, [blockNumberSchema], { minArgs: 1 })
      const n = resolveBlockNumber(node, tag)
      if (!node.chain.headerByNumber(n)) return null
      return numberToHex(node.chain.txHashesOfBlock(n).length)
    },
    eth_getBlockTransactionCountByHash: (params) => {
      const [hash] = parseParams(params, [hashSchema], { minArgs: 1 })
      const n = numberOfHash(hash)
      return n === undefined ? null : numberToHex(node.chain.txHashesOfBlock(n).length)
    },
    eth_getTransactionByBlockNumberAndIndex: (params) => {
      const [tag, index] = parseParams(params, [blockNumberSchema, uint64Schema], { minArgs: 2 })
      return txAt(resolveBlockNumber(node, tag), index)
    },
    eth_getTransactionByBlockHashAndIndex: (params) => {
      const [hash, index] = parseParams(params, [hashSchema, uint64Schema], { minArgs: 2 })
      return txAt(numberOfHash(hash), index)
    },
    eth_getUncleCountByBlockNumber: () => '0x0',
    eth_getUncleCountByBlockHash: () => '0x0',
    eth_getTransactionByHash: (params) => {
      const [hash] = parseParams(params, [hashSchema], { minArgs: 1 })
      const mined = node.chain.txByHash(hash)
      if (mined) return mined
      const pooled = node.mempool.get(hash)
      return pooled ? formatTransaction(pooled.tx, pooled.sender) : null
    },
    eth_getRawTransactionByHash: (params) => {
      const [hash] = parseParams(params, [hashSchema], { minArgs: 1 })
      const raw = node.chain.rawTxByHash(hash) ?? node.mempool.get(hash)?.raw
      return raw ? `0x${Buffer.from(raw).toString('hex')}` : null
    },
    eth_getTransactionReceipt: (params) => {
      const [hash] = parseParams(params, [hashSchema], { minArgs: 1 })
      return node.chain.receiptByHash(hash) ?? null
    },
    rollup_getBlockExecutionStats: (params) => {
      const [tag] = parseParams(params, [blockNumberSchema], { minArgs: 1 })
      return node.chain.stats(resolveBlockNumber(node, tag)) ?? null
    },
    eth_getBlockReceipts: (params) => {
      const [sel] = parseParams(params, [blockParamSchema], { minArgs: 1 })
      let n: bigint
      try {
        n = resolveSelector(node, sel)
      } catch {
        return null
      }
      return node.chain.receiptsOfBlock(n)
    },
  }
}
