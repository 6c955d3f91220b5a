import { type Hex, parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { devAccounts, type RunningTarget, rpc, startNode } from './harness.ts'

// State queries are served at any of the last STATE_HISTORY_BLOCKS (128) blocks from the history
// tables, and answered with a clear error beyond.

let node: RunningTarget

beforeAll(async () => {
  // Empty blocks every 50 ms, so 130 blocks pass in seconds.
  node = await startNode({ env: { BLOCK_TIME_MS: '10', IDLE_BLOCK_MS: '50' } })
})
afterAll(async () => {
  await node?.stop()
})

async function rawRpc(method: string, params: unknown[]) {
  const res = await fetch(node.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  return (await res.json()) as { result?: Hex; error?: { code: number; message: string } }
}

describe('state history window', () => {
  test('behavior: past balances within 128 blocks, a clear error beyond', { timeout: 120_000 }, async () => {
    const to = '0x00000000000000000000000000000000000c0ffe' as Hex
    const a = devAccounts[3]
    const raw = await a.account.signTransaction({
      chainId: node.chainId,
      type: 'eip1559',
      to,
      value: parseEther('1'),
      nonce: 0,
      gas: 21_000n,
      maxFeePerGas: 10n ** 11n,
      maxPriorityFeePerGas: 1n,
    })
    const hash = await rpc<Hex>(node.url, 'eth_sendRawTransaction', [raw])
    let receipt: { blockNumber: Hex } | null = null
    while (!receipt) {
      receipt = await rpc<{ blockNumber: Hex } | null>(node.url, 'eth_getTransactionReceipt', [hash])
      await new Promise((ok) => setTimeout(ok, 50))
    }
    const b = BigInt(receipt.blockNumber)
    const at = (n: bigint) => `0x${n.toString(16)}`
    expect(await rpc(node.url, 'eth_getBalance', [to, at(b - 1n)])).toBe('0x0')
    expect(BigInt(await rpc<Hex>(node.url, 'eth_getBalance', [to, at(b)]))).toBe(parseEther('1'))

    let head = b
    while (head < b + 131n) {
      await new Promise((ok) => setTimeout(ok, 200))
      head = BigInt(await rpc<Hex>(node.url, 'eth_blockNumber'))
    }
    const old = await rawRpc('eth_getBalance', [to, at(b - 1n)])
    expect(old.error?.code).toBe(-32000)
    expect(old.error?.message).toMatch(/^historical state unavailable for block/)
    // The oldest kept block still answers from history (the head may have moved on by one or two).
    const edge = BigInt(await rpc<Hex>(node.url, 'eth_blockNumber')) - 120n
    expect(BigInt(await rpc<Hex>(node.url, 'eth_getBalance', [to, at(edge)]))).toBe(parseEther('1'))
    expect(await rpc(node.url, 'eth_getBalance', [to, at(b - 1n + 0n)]).catch((e: Error) => e.message)).toMatch(
      /historical state unavailable/,
    )
  })
})
