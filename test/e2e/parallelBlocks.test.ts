import { type Hex, parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { devAccounts, type RunningTarget, rpc, startNode } from './harness.ts'

// The node runs blocks of 16+ txs through the parallel executor (worker threads). This drives it
// with bursts that land in one block and checks every receipt, the exact balances, and that the
// block's stats say it ran in parallel.

let node: RunningTarget

beforeAll(async () => {
  // A slower block time so a burst lands in one block.
  node = await startNode({ env: { BLOCK_TIME_MS: '1000', EXECUTOR_WORKERS: '2', EXECUTOR_MIN_PARALLEL_TXS: '16' } })
})
afterAll(async () => {
  await node?.stop()
})

describe('parallel blocks in the node', () => {
  test('behavior: a burst of conflicting and independent txs is executed in parallel, exactly', async () => {
    const recipient = '0x000000000000000000000000000000000000beef' as Hex
    const raws: Hex[] = []
    const expectedSpent = new Map<number, bigint>()
    for (const a of devAccounts.slice(0, 6)) {
      let nonce = BigInt(await rpc<Hex>(node.url, 'eth_getTransactionCount', [a.address, 'pending']))
      for (let i = 0; i < 6; i++) {
        // data makes them EVM calls (not the plain-transfer path); a shared recipient makes them conflict
        const to = i % 2 === 0 ? recipient : (`0x${(0xa000 + a.index * 16 + i).toString(16).padStart(40, '0')}` as Hex)
        raws.push(
          await a.account.signTransaction({
            chainId: node.chainId,
            type: 'eip1559',
            to,
            value: parseEther('0.001'),
            data: '0x01',
            nonce: Number(nonce++),
            gas: 30_000n,
            maxFeePerGas: 10n ** 11n,
            maxPriorityFeePerGas: 1n,
          }),
        )
        expectedSpent.set(a.index, (expectedSpent.get(a.index) ?? 0n) + parseEther('0.001'))
      }
    }
    const before = await Promise.all(
      devAccounts.slice(0, 6).map((a) => rpc<Hex>(node.url, 'eth_getBalance', [a.address, 'latest'])),
    )
    const res = await fetch(node.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        raws.map((r, id) => ({ jsonrpc: '2.0', id, method: 'eth_sendRawTransaction', params: [r] })),
      ),
    })
    const hashes = ((await res.json()) as { id: number; result?: Hex; error?: unknown }[])
      .sort((x, y) => x.id - y.id)
      .map((x) => {
        expect(x.error).toBeUndefined()
        return x.result as Hex
      })
    const receipts: Record<string, Hex>[] = []
    for (const h of hashes) {
      for (let i = 0; ; i++) {
        const r = await rpc<Record<string, Hex> | null>(node.url, 'eth_getTransactionReceipt', [h])
        if (r) {
          receipts.push(r)
          break
        }
        if (i > 100) throw new Error(`no receipt for ${h}`)
        await new Promise((ok) => setTimeout(ok, 100))
      }
    }
    expect(receipts.every((r) => r.status === '0x1')).toBe(true)
    const blocks = [...new Set(receipts.map((r) => r.blockNumber))]
    const stats = await Promise.all(
      blocks.map((b) => rpc<Record<string, unknown>>(node.url, 'rollup_getBlockExecutionStats', [b])),
    )
    expect(stats.some((s) => s.mode === 'parallel')).toBe(true)
    // Exact balances: value plus gasUsed * effectiveGasPrice for every tx of each sender.
    for (const [k, a] of devAccounts.slice(0, 6).entries()) {
      const fees = receipts
        .filter((r) => r.from.toLowerCase() === a.address.toLowerCase())
        .reduce((s, r) => s + BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice), 0n)
      const after = BigInt(await rpc<Hex>(node.url, 'eth_getBalance', [a.address, 'latest']))
      expect(after).toBe(BigInt(before[k]) - expectedSpent.get(a.index)! - fees)
    }
    expect(BigInt(await rpc<Hex>(node.url, 'eth_getBalance', [recipient, 'latest']))).toBe(parseEther('0.001') * 18n)
  })
})
