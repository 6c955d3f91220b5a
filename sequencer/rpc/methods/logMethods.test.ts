import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hexToBytes } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { devAccounts } from '../../../core/chain/devAccounts.ts'
import { readConfig } from '../../../core/config/config.ts'
import { createLogger } from '../../../core/log/logger.ts'
import { createBlockProducer } from '../../block/createBlockProducer.ts'
import { createNode, type Node } from '../../node/createNode.ts'
import { createDispatcher } from '../dispatch.ts'
import { logMethods } from './logMethods.ts'
import { submitRawTransaction } from './txMethods.ts'

const log = createLogger({ level: 'silent' })
const dirs: string[] = []
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  vi.useRealTimers()
  for (const fn of cleanups.splice(0).reverse()) await fn()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function openNode(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'logs-'))
  dirs.push(dataDir)
  const node = await createNode({ config: readConfig({ DATA_DIR: dataDir, EXECUTOR_WORKERS: '0', ...env }), log })
  cleanups.push(() => node.close())
  const { close, ...methods } = logMethods(node)
  cleanups.push(close)
  const dispatcher = createDispatcher({ methods, log })
  let id = 0
  /** One JSON-RPC call as a client sees it. */
  const rpc = async (method: string, params: unknown[] = []) =>
    JSON.parse((await dispatcher.handle(JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params })))!)
  return { node, rpc }
}

const account = privateKeyToAccount(devAccounts()[0].privateKey)
/** Creation code that emits `count` empty LOG0s in the constructor and deploys nothing. */
const emitter = (count: number) => `0x${'60006000a0'.repeat(count)}00` as const

/** Seals one block per tx, each creating a contract that emits `logsPerTx` logs. */
async function sealLogBlocks(node: Node, blocks: number, logsPerTx = 1) {
  const producer = createBlockProducer(node)
  producer.start()
  try {
    for (let nonce = 0; nonce < blocks; nonce++) {
      const raw = await account.signTransaction({
        chainId: 901901,
        type: 'eip1559',
        nonce,
        data: emitter(logsPerTx),
        gas: 100_000n,
        maxFeePerGas: 10n ** 10n,
        maxPriorityFeePerGas: 1n,
      })
      const before = node.head().number
      await submitRawTransaction(node, hexToBytes(raw))
      await vi.waitUntil(() => node.head().number > before, { timeout: 5000, interval: 5 })
    }
  } finally {
    await producer.stop()
  }
}

describe('eth_getLogs limits', () => {
  it('default: a range within LOG_MAX_RANGE with results within LOG_MAX_RESULTS is answered', async () => {
    const { node, rpc } = await openNode({ LOG_MAX_RANGE: '3', LOG_MAX_RESULTS: '3', BLOCK_TIME_MS: '10' })
    await sealLogBlocks(node, 3)
    const { result } = await rpc('eth_getLogs', [{ fromBlock: '0x1', toBlock: '0x3' }])
    expect(result.map((l: { blockNumber: string }) => l.blockNumber)).toEqual(['0x1', '0x2', '0x3'])
  })

  it('error: a block range over LOG_MAX_RANGE is -32005', async () => {
    const { node, rpc } = await openNode({ LOG_MAX_RANGE: '2', BLOCK_TIME_MS: '10' })
    await sealLogBlocks(node, 2)
    expect((await rpc('eth_getLogs', [{ fromBlock: '0x1', toBlock: '0x2' }])).result).toHaveLength(2)
    expect((await rpc('eth_getLogs', [{ fromBlock: '0x0', toBlock: 'latest' }])).error).toEqual({
      code: -32005,
      message: 'exceed maximum block range: 2',
    })
  })

  it('error: more results than LOG_MAX_RESULTS is -32005; polling filters step through long gaps instead', async () => {
    const { node, rpc } = await openNode({ LOG_MAX_RESULTS: '3', LOG_MAX_RANGE: '1', BLOCK_TIME_MS: '10' })
    const { result: filter } = await rpc('eth_newFilter', [{ fromBlock: '0x1' }])
    await sealLogBlocks(node, 2, 2)
    expect((await rpc('eth_getLogs', [{ fromBlock: '0x1', toBlock: '0x1' }])).result).toHaveLength(2)
    // A block of 4 logs: one more than the cap.
    const { node: n2, rpc: rpc2 } = await openNode({ LOG_MAX_RESULTS: '3', BLOCK_TIME_MS: '10' })
    await sealLogBlocks(n2, 1, 4)
    expect((await rpc2('eth_getLogs', [{ fromBlock: '0x1', toBlock: '0x1' }])).error).toEqual({
      code: -32005,
      message: 'query returned more than 3 results',
    })
    // The filter, one block range step per poll.
    expect((await rpc('eth_getFilterChanges', [filter])).result).toHaveLength(2)
    expect((await rpc('eth_getFilterChanges', [filter])).result).toHaveLength(2)
    expect((await rpc('eth_getFilterChanges', [filter])).result).toEqual([])
  })
})

describe('polling filters', () => {
  it('behavior: a filter not polled for FILTER_TIMEOUT_MS expires ("filter not found"); a polled one lives on', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    const { rpc } = await openNode({ FILTER_TIMEOUT_MS: '1000' })
    const { result: idle } = await rpc('eth_newBlockFilter')
    const { result: polled } = await rpc('eth_newPendingTransactionFilter')
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(600)
      expect((await rpc('eth_getFilterChanges', [polled])).result).toEqual([])
    }
    expect(await rpc('eth_getFilterChanges', [idle])).toMatchObject({
      error: { code: -32000, message: 'filter not found' },
    })
    expect((await rpc('eth_uninstallFilter', [idle])).result).toBe(false)
    expect((await rpc('eth_uninstallFilter', [polled])).result).toBe(true)
  })

  it('error: past FILTER_MAX installed filters a new one is -32005 until one goes', async () => {
    const { rpc } = await openNode({ FILTER_MAX: '2' })
    const { result: first } = await rpc('eth_newBlockFilter')
    await rpc('eth_newFilter', [{}])
    expect((await rpc('eth_newPendingTransactionFilter')).error).toEqual({
      code: -32005,
      message: 'too many installed filters (max 2)',
    })
    await rpc('eth_uninstallFilter', [first])
    expect((await rpc('eth_newPendingTransactionFilter')).result).toMatch(/^0x[0-9a-f]{32}$/)
  })
})
