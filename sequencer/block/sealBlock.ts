import type { Common } from '@ethereumjs/common'
import type { Address } from 'viem'
import { buildHeader } from '../../core/chain/buildHeader.ts'
import type { LogFacts, TxFacts } from '../../core/chain/formatReceipt.ts'
import { decodeDepositTx } from '../../core/deposits/depositTx.ts'
import type { StoredBlock } from '../../core/storage/chainStore.ts'
import { rawOf } from '../../executor/txCache.ts'
import type { BlockEnv, ExecuteBlockResult } from '../../executor/types.ts'

/**
 * Turns an executed block into what is stored and served: the real header (hash = keccak of its
 * RLP) and, in block order, each transaction's bytes and receipt facts, and each log (their JSON-RPC
 * shapes are built when read: core/chain/formatReceipt.ts).
 */
export function sealBlock(common: Common, env: BlockEnv, result: ExecuteBlockResult): StoredBlock {
  const deposits = env.deposits ?? []
  const raws = [...deposits.map((d) => d.raw), ...result.included.map(rawOf)]
  const header = buildHeader(
    common,
    {
      number: env.number,
      parentHash: env.parentHash,
      timestamp: env.timestamp,
      coinbase: env.coinbase,
      stateRoot: result.stateRoot,
      transactionsRoot: result.transactionsRoot,
      receiptsRoot: result.receiptsRoot,
      logsBloom: result.logsBloom,
      gasLimit: env.gasLimit,
      gasUsed: result.gasUsed,
      baseFeePerGas: env.baseFeePerGas,
      prevRandao: env.prevRandao,
      parentBeaconBlockRoot: env.parentBeaconBlockRoot,
    },
    raws,
  )
  let logIndex = 0
  const logs: LogFacts[] = []
  const txs: TxFacts[] = deposits.map((d) => {
    const tx = decodeDepositTx(d.raw)
    return {
      hash: d.hash,
      raw: d.raw,
      sender: tx.from.toLowerCase() as Address,
      to: tx.to.toLowerCase() as Address,
      // deposits come first and use no gas: cumulative gas 0, no logs
      status: 1,
      cumulativeGasUsed: 0n,
      gasUsed: 0n,
      effectiveGasPrice: 0n,
      contractAddress: null,
      firstLog: 0,
      logCount: 0,
    }
  })
  const first = deposits.length
  result.receipts.forEach((r, k) => {
    const txIndex = first + k
    const firstLog = logIndex
    for (const l of r.logs)
      logs.push({ logIndex: logIndex++, txIndex, txHash: r.txHash, address: l.address, topics: l.topics, data: l.data })
    txs.push({
      hash: r.txHash,
      raw: raws[txIndex],
      sender: r.from,
      to: r.to,
      status: r.status,
      cumulativeGasUsed: r.cumulativeGasUsed,
      gasUsed: r.gasUsed,
      effectiveGasPrice: r.effectiveGasPrice,
      contractAddress: r.contractAddress,
      firstLog,
      logCount: r.logs.length,
      logsBloom: r.logsBloom,
    })
  })
  return {
    number: env.number,
    hash: header.hash,
    headerRlp: header.rlp,
    header: header.json,
    txs,
    logs,
  }
}
