// The poster against a real Anvil (automine: L1 moves only when a test mines) and the real Redis.
import { randomUUID } from 'node:crypto'
import { type Hex, keccak256, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, it } from 'vitest'
import { deployL1Contracts } from '../../contracts/deploy.ts'
import { batchDataHash, encodeBatch } from '../../core/batch/index.ts'
import { devAccounts } from '../../core/chain/devAccounts.ts'
import { type RunningAnvil, startAnvil } from '../../core/devnet/anvil.ts'
import { createLogger } from '../../core/log/logger.ts'
import { openDatabase } from '../../core/storage/openDatabase.ts'
import { createOutboxStore } from '../../core/storage/outboxStore.ts'
import { createPoster, type Poster } from './createPoster.ts'

// Port of this file's Anvil (the chaos harness owns 19800-19999; its own runs use 19800-19899 and 19900-19999
// less this one).
const ANVIL_PORT = 19950
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const log = createLogger({ level: 'silent' })
const [deployer, batcher] = devAccounts()

let anvil: RunningAnvil | undefined
let poster: Poster | undefined
afterEach(async () => {
  await poster?.stop()
  await anvil?.stop()
  poster = undefined
  anvil = undefined
})

const rpc = async <T>(url: string, method: string, params: unknown[] = []): Promise<T> => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await res.json()) as { result: T; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('createPoster', () => {
  it('behavior: a batch whose L2 blocks carry an L1 origin past the L1 head waits until L1 has passed it', async () => {
    // After an L1 reorg that shortened L1 by more than L1_CONFIRMATIONS, L2 blocks already made carry origins the
    // new L1 has not reached; a post landing at or before them is refused by derivation (found by npm run chaos).
    anvil = await startAnvil({ port: ANVIL_PORT, chainId: 31337 })
    const genesis = keccak256(toHex('genesis output root'))
    const d = await deployL1Contracts({
      l1RpcUrl: anvil.url,
      deployerKey: deployer.privateKey,
      batcher: privateKeyToAccount(batcher.privateKey).address,
      genesisOutputRoot: genesis,
    })
    const head = BigInt(await rpc<Hex>(anvil.url, 'eth_blockNumber'))
    const origin = head + 3n
    const data = encodeBatch({
      parentHash: keccak256(toHex('block 0')),
      blocks: [{ number: 1n, timestamp: 1n, l1Origin: origin, deposits: [], transactions: [] }],
    })
    const outbox = createOutboxStore(openDatabase({ path: ':memory:' }))
    outbox.openBatch({ index: 0, firstBlock: 1n, lastBlock: 1n, openedAt: Date.now() })
    outbox.seal(0, {
      lastBlock: 1n,
      data,
      dataHash: batchDataHash(data),
      prevOutputRoot: genesis,
      outputRoot: keccak256(toHex('output root 1')),
      sealedAt: Date.now(),
    })
    poster = createPoster({
      outbox,
      log,
      l1RpcUrl: anvil.url,
      rollup: d.rollup,
      batcherKey: batcher.privateKey,
      redisUrl: REDIS_URL,
      queuePrefix: `test-${randomUUID()}`,
      confirmations: 1,
      pollMs: 100,
      reorgWindow: 64,
      resubmitMs: 2_000,
      maxBumps: 3,
    })
    await poster.start()

    // Automine: a post would be mined at once, in block head + 1 <= origin. Nothing may be sent.
    await sleep(2_000)
    expect(outbox.get(0)?.status).toBe('sealed')
    expect(BigInt(await rpc<Hex>(anvil.url, 'eth_blockNumber'))).toBe(head)

    for (let i = 0; i < 3; i++) await rpc(anvil.url, 'evm_mine')
    // Sent: 'posted', or already 'confirmed' (automine and one confirmation can pass between two polls).
    const sent = (status?: string) => status === 'posted' || status === 'confirmed'
    const deadline = Date.now() + 20_000
    while (!sent(outbox.get(0)?.status) && Date.now() < deadline) await sleep(100)
    const posted = outbox.get(0)!
    expect(sent(posted.status)).toBe(true)
    expect(posted.l1BlockNumber!).toBeGreaterThan(origin)
  })
})
