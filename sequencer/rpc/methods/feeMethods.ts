import { numberToHex } from 'viem'
import { z } from 'zod'
import { InvalidParamsError } from '../../../core/errors/rpc.ts'
import type { Node } from '../../node/createNode.ts'
import { blockNumberSchema, hexOrDecimal64Schema, parseParams } from '../params.ts'
import type { MethodTable } from '../types.ts'
import { resolveBlockNumber } from './resolveBlock.ts'

/** The tip this sequencer suggests: it orders by tip but has room to spare, so a token tip is enough. */
export const SUGGESTED_TIP = 1_000_000n

/** eth_gasPrice, eth_maxPriorityFeePerGas, eth_feeHistory. */
export function feeMethods(node: Node, pendingBaseFee: () => bigint): MethodTable {
  return {
    // Legacy senders pay this flat; it must clear both the latest block's base fee (eth_call and
    // eth_estimateGas run against it) and the next one's.
    eth_gasPrice: () => {
      const latest = BigInt(node.head().header.baseFeePerGas as string)
      const next = pendingBaseFee()
      return numberToHex((latest > next ? latest : next) + SUGGESTED_TIP)
    },
    eth_maxPriorityFeePerGas: () => numberToHex(SUGGESTED_TIP),
    eth_blobBaseFee: () => '0x1',
    eth_feeHistory: (params) => {
      const [count, newest, percentiles] = parseParams(
        params,
        [hexOrDecimal64Schema, blockNumberSchema, z.array(z.number()).optional()],
        { minArgs: 2 },
      )
      if (percentiles) {
        for (let i = 0; i < percentiles.length; i++) {
          const p = percentiles[i]
          if (p < 0 || p > 100) throw new InvalidParamsError({ reason: `invalid reward percentile: ${p}` })
          if (i > 0 && p < percentiles[i - 1])
            throw new InvalidParamsError({
              reason: `invalid reward percentile: #${i - 1}:${percentiles[i - 1]} > #${i}:${p}`,
            })
        }
      }
      const head = node.head().number
      let last = resolveBlockNumber(node, newest)
      if (last > head) last = head
      let blocks = count > 1024n ? 1024n : count
      if (blocks > last + 1n) blocks = last + 1n
      const oldest = last - blocks + 1n
      const baseFees: string[] = []
      const ratios: number[] = []
      const rewards: string[][] = []
      for (let n = oldest; n <= last && blocks > 0n; n++) {
        const h = node.chain.headerByNumber(n)!
        const baseFee = BigInt(h.baseFeePerGas as string)
        const used = BigInt(h.gasUsed as string)
        baseFees.push(numberToHex(baseFee))
        ratios.push(Number(used) / Number(BigInt(h.gasLimit as string)))
        if (percentiles) rewards.push(blockRewards(node, n, baseFee, used, percentiles))
      }
      // blockCount + 1 base fees: the last one is the next block's.
      const nextH = last === head ? undefined : node.chain.headerByNumber(last + 1n)
      baseFees.push(numberToHex(nextH ? BigInt(nextH.baseFeePerGas as string) : pendingBaseFee()))
      const out: Record<string, unknown> = {
        oldestBlock: numberToHex(blocks > 0n ? oldest : last + 1n),
        baseFeePerGas: blocks > 0n ? baseFees : [],
        gasUsedRatio: ratios,
        baseFeePerBlobGas: baseFees.map(() => '0x1'),
        blobGasUsedRatio: ratios.map(() => 0),
      }
      if (percentiles) out.reward = rewards
      return out
    },
  }
}

/** Effective tips at the given gas-weighted percentiles, as geth computes them. */
function blockRewards(node: Node, n: bigint, baseFee: bigint, gasUsed: bigint, percentiles: number[]): string[] {
  const receipts = node.chain.receiptsOfBlock(n)
  if (receipts.length === 0) return percentiles.map(() => '0x0')
  const items = receipts
    .map((r) => ({ gas: BigInt(r.gasUsed as string), tip: BigInt(r.effectiveGasPrice as string) - baseFee }))
    .sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0))
  const out: string[] = []
  let i = 0
  let sum = items[0].gas
  for (const p of percentiles) {
    const threshold = (Number(gasUsed) * p) / 100
    while (sum < threshold && i < items.length - 1) {
      i++
      sum += items[i].gas
    }
    out.push(numberToHex(items[i].tip))
  }
  return out
}
