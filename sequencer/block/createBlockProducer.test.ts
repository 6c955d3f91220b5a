import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hexToBytes, parseEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { devAccounts } from '../../core/chain/devAccounts.ts'
import { readConfig } from '../../core/config/config.ts'
import { createLogger } from '../../core/log/logger.ts'
import { createNode, type Node } from '../node/createNode.ts'
import { submitRawTransaction } from '../rpc/methods/txMethods.ts'
import { createBlockProducer } from './createBlockProducer.ts'

const dirs: string[] = []
const nodes: Node[] = []
afterEach(async () => {
  vi.useRealTimers()
  for (const n of nodes.splice(0)) await n.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function openNode(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'producer-'))
  dirs.push(dataDir)
  const node = await createNode({
    config: readConfig({ DATA_DIR: dataDir, EXECUTOR_WORKERS: '0', ...env }),
    log: createLogger({ level: 'silent' }),
  })
  nodes.push(node)
  return node
}

const transfer = (nonce: number) =>
  privateKeyToAccount(devAccounts()[0].privateKey).signTransaction({
    chainId: 901901,
    type: 'eip1559',
    nonce,
    to: devAccounts()[1].address,
    value: parseEther('1'),
    gas: 21_000n,
    maxFeePerGas: 10n ** 10n,
    maxPriorityFeePerGas: 1n,
  })

describe('block producer schedule', () => {
  it('seals a tx that reaches an idle node at once, then keeps BLOCK_TIME_MS between blocks', async () => {
    // Only the clock and timers are fake: SQLite and the pool's group commit run as usual.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    // every block counts as busy here (BLOCK_SPACING_MIN_TXS 1), so the spacing shows
    const node = await openNode({ BLOCK_TIME_MS: '1000', IDLE_BLOCK_MS: '600000', BLOCK_SPACING_MIN_TXS: '1' })
    const producer = createBlockProducer(node)
    producer.start()
    await vi.advanceTimersByTimeAsync(1_500) // one empty beat at 1 s: nothing to do, no block
    expect(node.head().number).toBe(0n)
    await submitRawTransaction(node, hexToBytes(await transfer(0)))
    await vi.advanceTimersByTimeAsync(1) // not at the next beat (2 s): now
    expect(node.head().number).toBe(1n)
    // right after a block, the next tx waits for the spacing
    await submitRawTransaction(node, hexToBytes(await transfer(1)))
    await vi.advanceTimersByTimeAsync(900)
    expect(node.head().number).toBe(1n)
    await vi.advanceTimersByTimeAsync(200)
    expect(node.head().number).toBe(2n)
    await producer.stop()
  })

  it('after a light block the next tx is sealed at once; after a busy one it waits BLOCK_TIME_MS', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const node = await openNode({ BLOCK_TIME_MS: '1000', IDLE_BLOCK_MS: '600000', BLOCK_SPACING_MIN_TXS: '3' })
    const producer = createBlockProducer(node)
    producer.start()
    await vi.advanceTimersByTimeAsync(1_500)
    await submitRawTransaction(node, hexToBytes(await transfer(0)))
    await vi.advanceTimersByTimeAsync(1)
    expect(node.head().number).toBe(1n)
    // block 1 held one tx (< 3): the next tx does not wait
    await submitRawTransaction(node, hexToBytes(await transfer(1)))
    await vi.advanceTimersByTimeAsync(1)
    expect(node.head().number).toBe(2n)
    await producer.stop()
  })

  it('after a block cut by its size cap, with more waiting, the next block follows at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    // every block counts as busy (BLOCK_SPACING_MIN_TXS 1); a block holds 2 txs at most
    const node = await openNode({
      BLOCK_TIME_MS: '1000',
      IDLE_BLOCK_MS: '600000',
      BLOCK_SPACING_MIN_TXS: '1',
      BLOCK_MAX_TXS: '2',
    })
    const producer = createBlockProducer(node)
    producer.start()
    for (const n of [0, 1, 2, 3, 4]) await submitRawTransaction(node, hexToBytes(await transfer(n)))
    // each block is real work (SQLite, execution) between two fake-timer steps
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(1)
    // two full blocks back to back, then the third (one tx, not cut by the cap) is the last before a pause
    expect(node.head().number).toBe(3n)
    expect(node.head().header.gasUsed).toBe('0x5208') // one transfer
    await submitRawTransaction(node, hexToBytes(await transfer(5)))
    await vi.advanceTimersByTimeAsync(900)
    expect(node.head().number).toBe(3n)
    await vi.advanceTimersByTimeAsync(200)
    expect(node.head().number).toBe(4n)
    await producer.stop()
  })

  it('seals an empty block every IDLE_BLOCK_MS when nothing arrives', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const node = await openNode({ BLOCK_TIME_MS: '100', IDLE_BLOCK_MS: '2000' })
    const producer = createBlockProducer(node)
    producer.start()
    await vi.advanceTimersByTimeAsync(1_900)
    expect(node.head().number).toBe(0n)
    await vi.advanceTimersByTimeAsync(300)
    expect(node.head().number).toBe(1n)
    await producer.stop()
  })
})
