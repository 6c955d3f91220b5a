import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesToHex, getContractAddress, type Hex, hexToBytes, numberToHex, pad, parseEther } from 'viem'
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

/** Runtime code: `sstore(number, blockhash(number - 1))`; the init code copies it out. */
const BLOCKHASH_RECORDER = '0x6009600c60003960096000f3436001900340435500'

const send = (nonce: number, to: Hex | undefined, data: Hex, gas: bigint) =>
  privateKeyToAccount(devAccounts()[0].privateKey).signTransaction({
    chainId: 901901,
    type: 'eip1559',
    nonce,
    to,
    data,
    gas,
    maxFeePerGas: 10n ** 10n,
    maxPriorityFeePerGas: 1n,
  })

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

/** Sends transfer `nonce` right after a busy block (BLOCK_TIME_MS 1 s): not sealed at 0.9 s, sealed by 1.1 s. */
async function expectSealedAfterSpacing(node: Node, nonce: number) {
  const before = node.head().number
  await submitRawTransaction(node, hexToBytes(await transfer(nonce)))
  await vi.advanceTimersByTimeAsync(900)
  expect(node.head().number).toBe(before)
  await vi.advanceTimersByTimeAsync(200)
  expect(node.head().number).toBe(before + 1n)
}

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
    await expectSealedAfterSpacing(node, 1)
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
    await expectSealedAfterSpacing(node, 5)
    await producer.stop()
  })

  it('a full block is written while the next executes on the workers; BLOCKHASH sees it, every tx lands once', async () => {
    const node = await openNode({
      EXECUTOR_WORKERS: '1',
      EXECUTOR_MIN_PARALLEL_TXS: '1',
      BLOCK_TIME_MS: '400',
      IDLE_BLOCK_MS: '600000',
      BLOCK_SPACING_MIN_TXS: '1',
      BLOCK_MAX_TXS: '2',
    })
    const producer = createBlockProducer(node)
    producer.start()
    const from = devAccounts()[0].address
    const recorder = getContractAddress({ from, nonce: 0n })
    const hashes = [
      await submitRawTransaction(node, hexToBytes(await send(0, undefined, BLOCKHASH_RECORDER, 100_000n))),
    ]
    // block 1 (the deploy) seals at once; these six wait out its spacing, then go two a block: blocks 2 and 3
    // are full (each written only once the next is on the worker), block 4 takes the last two
    for (let n = 1; n <= 6; n++)
      // any input: a call with none would take the plain-transfer path on the main thread
      hashes.push(await submitRawTransaction(node, hexToBytes(await send(n, recorder, '0x01', 60_000n))))
    const deadline = Date.now() + 20_000
    while (node.head().number < 4n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    await producer.stop()
    expect(node.head().number).toBe(4n)
    for (const h of hashes) expect(node.chain.receiptByHash(h)?.status).toBe('0x1')
    for (let n = 2n; n <= 4n; n++) {
      const header = node.chain.headerByNumber(n)!
      expect(header.parentHash).toBe(node.chain.hashByNumber(n - 1n))
      expect(header.transactions ?? (node.chain.txHashesOfBlock(n) as unknown[])).toHaveLength(2)
      // what BLOCKHASH(n - 1) returned inside block n, on the worker: the parent's real hash
      const slot = pad(numberToHex(n), { size: 32 })
      expect(bytesToHex(node.world.getStorage(recorder.toLowerCase() as Hex, slot))).toBe(
        node.chain.hashByNumber(n - 1n),
      )
    }
    expect(node.chain.stats(3n)?.mode).toBe('parallel')
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
