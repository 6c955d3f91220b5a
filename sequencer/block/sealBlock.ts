import type { Common } from '@ethereumjs/common'
import { type Hex, numberToHex } from 'viem'
import { buildHeader } from '../../core/chain/buildHeader.ts'
import type { StoredBlock } from '../../core/storage/chainStore.ts'
import { rawOf } from '../../executor/txCache.ts'
import type { BlockEnv, ExecuteBlockResult } from '../../executor/types.ts'
import { formatDepositReceipt, formatDepositTransaction } from './formatDeposit.ts'
import { formatTransaction } from './formatTransaction.ts'

/**
 * Turns an executed block into what is stored and served: the real header (hash = keccak of its
 * RLP) and, in block order, each transaction, receipt and log in their JSON-RPC shapes.
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
  const blockHash = header.hash
  const blockNumber = numberToHex(env.number)
  let logIndex = 0
  const logs: StoredBlock['logs'] = []
  const at = { blockHash, blockNumber, blockTimestamp: env.timestamp }
  const depositEntries = deposits.map((d, i) => ({
    hash: d.hash,
    raw: d.raw,
    tx: formatDepositTransaction(d, { ...at, index: i }),
    receipt: formatDepositReceipt(d, { ...at, index: i }),
  }))
  const first = deposits.length
  const txs = result.included.map((tx, k) => {
    const i = first + k
    const r = result.receipts[k]
    const txLogs = r.logs.map((l) => {
      const log = {
        address: l.address,
        topics: l.topics,
        data: l.data,
        blockNumber,
        blockHash,
        blockTimestamp: numberToHex(env.timestamp),
        transactionHash: r.txHash,
        transactionIndex: numberToHex(i),
        logIndex: numberToHex(logIndex),
        removed: false,
      }
      logs.push({ logIndex, address: l.address, topics: l.topics, log })
      logIndex++
      return log
    })
    const receipt = {
      type: numberToHex(r.txType),
      status: numberToHex(r.status),
      cumulativeGasUsed: numberToHex(r.cumulativeGasUsed),
      logs: txLogs,
      logsBloom: r.logsBloom,
      transactionHash: r.txHash,
      transactionIndex: numberToHex(i),
      blockHash,
      blockNumber,
      gasUsed: numberToHex(r.gasUsed),
      effectiveGasPrice: numberToHex(r.effectiveGasPrice),
      from: r.from,
      to: r.to,
      contractAddress: r.contractAddress,
    }
    return {
      hash: r.txHash as Hex,
      raw: raws[i],
      tx: formatTransaction(tx, r.from, { blockHash, blockNumber: env.number, index: i, baseFee: env.baseFeePerGas }),
      receipt,
    }
  })
  return {
    number: env.number,
    hash: blockHash,
    headerRlp: header.rlp,
    header: header.json,
    txs: [...depositEntries, ...txs],
    logs,
  }
}
