import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Hex, hexToBytes, parseEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeBatch, outputRoot } from '../../core/batch/index.ts'
import { devAccounts } from '../../core/chain/devAccounts.ts'
import { readConfig } from '../../core/config/config.ts'
import { createLogger } from '../../core/log/logger.ts'
import { createOutboxStore, type OutboxStore } from '../../core/storage/outboxStore.ts'
import { createBlockProducer } from '../block/createBlockProducer.ts'
import { createNode, type Node } from '../node/createNode.ts'
import { submitRawTransaction } from '../rpc/methods/txMethods.ts'
import { genesisOutputRoot } from '../startSequencer.ts'
import { createBatcher } from './createBatcher.ts'

const dirs: string[] = []
const nodes: Node[] = []
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const log = createLogger({ level: 'silent' })

async function openNode(dir?: string) {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'batcher-'))
  if (!dir) dirs.push(dataDir)
  const config = readConfig({ DATA_DIR: dataDir, EXECUTOR_WORKERS: '0', LOG_LEVEL: 'silent' })
  const node = await createNode({ config, log })
  nodes.push(node)
  return { node, producer: createBlockProducer(node), dataDir, outbox: createOutboxStore(node.db) }
}

/** A batcher over an opened node's outbox; `now` is the test's clock where age matters. */
function batcherFor(
  { node, outbox }: { node: Node; outbox: ReturnType<typeof createOutboxStore> },
  { maxBytes, maxAgeMs = 1e9, now }: { maxBytes: number; maxAgeMs?: number; now?: () => number },
) {
  return createBatcher({
    db: node.db,
    outbox,
    log,
    maxBytes,
    maxAgeMs,
    genesisOutputRoot: genesisOutputRoot(node),
    headNumber: () => node.head().number,
    now,
  })
}

const nonces = new Map<string, number>()
/** Puts `n` signed transfers (optionally with `pad` bytes of calldata) in the pool and seals one block. */
async function block(node: Node, producer: ReturnType<typeof createBlockProducer>, n: number, pad = 0) {
  for (let i = 0; i < n; i++) {
    const from = devAccounts()[i % 8]
    const account = privateKeyToAccount(from.privateKey)
    const nonce = nonces.get(`${node.config.DATA_DIR}:${from.address}`) ?? 0
    nonces.set(`${node.config.DATA_DIR}:${from.address}`, nonce + 1)
    const raw = await account.signTransaction({
      chainId: node.config.CHAIN_ID,
      type: 'eip1559',
      nonce,
      to: devAccounts()[9].address,
      value: parseEther('0.001'),
      gas: 21_000n + 64n * BigInt(pad),
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      data: pad ? (`0x${randomBytes(pad).toString('hex')}` as Hex) : undefined,
    })
    await submitRawTransaction(node, hexToBytes(raw))
  }
  await producer.produceBlock()
}

/** Every sealed batch decodes to exactly the stored blocks, ranges are contiguous from 1 and roots chain. */
function expectOutboxMatchesChain(node: Node, outbox: OutboxStore, maxBytes: number) {
  const sealed = outbox.byStatus(['sealed'])
  let next = 1n
  let prev = genesisOutputRoot(node)
  for (const b of sealed) {
    expect(b.firstBlock).toBe(next)
    expect(b.prevOutputRoot).toBe(prev)
    const decoded = decodeBatch(b.data!)
    if (b.lastBlock > b.firstBlock) expect(b.data!.length).toBeLessThanOrEqual(maxBytes)
    expect(decoded.parentHash).toBe(node.chain.hashByNumber(b.firstBlock - 1n))
    expect(decoded.blocks.map((x) => x.number)).toEqual(
      Array.from({ length: Number(b.lastBlock - b.firstBlock + 1n) }, (_, i) => b.firstBlock + BigInt(i)),
    )
    for (const blk of decoded.blocks) {
      const header = node.chain.headerByNumber(blk.number) as { timestamp: Hex }
      expect(blk.timestamp).toBe(BigInt(header.timestamp))
      const raws = node.chain.txHashesOfBlock(blk.number).map((h) => node.chain.rawTxByHash(h)!)
      expect(blk.transactions).toEqual(raws.map((r) => `0x${Buffer.from(r).toString('hex')}`))
    }
    const last = node.chain.headerByNumber(b.lastBlock) as { hash: Hex; stateRoot: Hex }
    expect(b.outputRoot).toBe(outputRoot({ stateRoot: last.stateRoot, blockHash: last.hash }))
    prev = b.outputRoot!
    next = b.lastBlock + 1n
  }
  return next
}

describe('createBatcher', () => {
  it('seals by size: batches fit maxBytes, cover every block once, decode to the stored blocks', async () => {
    const { node, producer, outbox } = await openNode()
    const maxBytes = 2_000
    const batcher = batcherFor({ node, outbox }, { maxBytes })
    batcher.start()
    node.events.on('block', batcher.onBlock)
    for (let i = 0; i < 24; i++) await block(node, producer, 4 + (i % 3))
    batcher.stop()
    const sealed = outbox.byStatus(['sealed'])
    expect(
      sealed.length,
      JSON.stringify(
        sealed.map((b) => [b.firstBlock, b.lastBlock, b.data?.length]),
        (_, v) => (typeof v === 'bigint' ? Number(v) : v),
      ),
    ).toBeGreaterThan(2)
    const next = expectOutboxMatchesChain(node, outbox, maxBytes)
    const open = outbox.open()!
    expect(open.firstBlock).toBe(next)
    expect(open.lastBlock).toBe(node.head().number)
  })

  it('seals by age, and a block bigger than maxBytes goes alone', async () => {
    const { node, producer, outbox } = await openNode()
    let t = 1_000
    const batcher = batcherFor({ node, outbox }, { maxBytes: 1_500, maxAgeMs: 500, now: () => t })
    node.events.on('block', batcher.onBlock)
    await block(node, producer, 1)
    await block(node, producer, 1)
    expect(outbox.byStatus(['sealed'])).toHaveLength(0)
    t += 600
    expect(batcher.maybeSeal()?.lastBlock).toBe(2n)
    // 3,000 bytes of random-looking calldata cannot compress under 1,500
    await block(node, producer, 1, 3_000)
    t += 600
    batcher.maybeSeal() // sealed already on arrival (full) or now (aged)
    const big = outbox.get(1)!
    expect([big.firstBlock, big.lastBlock]).toEqual([3n, 3n])
    expect(big.data!.length).toBeGreaterThan(1_500)
    expectOutboxMatchesChain(node, outbox, 1_500)
  })

  it('behavior: age sealing waits while two batches wait for L1; the open batch grows until one is posted', async () => {
    // Posting is one batch per L1 inclusion: small batches sealed by age faster than that would pile up for good
    // (npm run chaos: a 60 s L1 outage took 77 s to post). Size still seals at once.
    const { node, producer, outbox } = await openNode()
    let t = 1_000
    const batcher = batcherFor({ node, outbox }, { maxBytes: 100_000, maxAgeMs: 500, now: () => t })
    node.events.on('block', batcher.onBlock)
    for (const index of [0, 1]) {
      await block(node, producer, 1)
      t += 600
      expect(batcher.maybeSeal()?.index).toBe(index)
    }
    // batches 0 and 1 wait for L1: block 3 and 4 stay in the open batch however old it gets
    await block(node, producer, 1)
    await block(node, producer, 1)
    t += 5_000
    expect(batcher.maybeSeal()).toBeUndefined()
    expect(outbox.open()).toMatchObject({ index: 2, firstBlock: 3n, lastBlock: 4n })
    // batch 0 reaches L1: the aged open batch seals at once, with both blocks
    outbox.markSubmitted(0)
    outbox.markPosted(0, { txHash: `0x${'11'.repeat(32)}`, blockNumber: 7n, blockHash: `0x${'22'.repeat(32)}`, at: t })
    expect(batcher.maybeSeal()).toMatchObject({ index: 2, firstBlock: 3n, lastBlock: 4n })
    // full still seals, backlog or not: 3,000 random bytes cannot compress under 1,500
    const small = batcherFor({ node, outbox }, { maxBytes: 1_500, maxAgeMs: 500, now: () => t })
    node.events.off('block', batcher.onBlock)
    node.events.on('block', small.onBlock)
    await block(node, producer, 1, 3_000)
    expect(outbox.get(3)).toMatchObject({ status: 'sealed', firstBlock: 5n, lastBlock: 5n })
  })

  it('resumes after a restart: blocks produced while it was down join the open batch, none twice', async () => {
    const first = await openNode()
    const mk = (o: typeof first) => batcherFor({ node: o.node, outbox: o.outbox }, { maxBytes: 2_500 })
    const b1 = mk(first)
    b1.start()
    first.node.events.on('block', b1.onBlock)
    for (let i = 0; i < 6; i++) await block(first.node, first.producer, 5)
    first.node.events.off('block', b1.onBlock)
    b1.stop()
    // blocks the batcher never saw
    for (let i = 0; i < 3; i++) await block(first.node, first.producer, 5)
    await first.node.close()
    nodes.splice(nodes.indexOf(first.node), 1)
    const second = await openNode(first.dataDir)
    const b2 = mk(second)
    b2.start()
    second.node.events.on('block', b2.onBlock)
    for (let i = 0; i < 4; i++) await block(second.node, second.producer, 5)
    b2.maybeSeal(true)
    b2.stop()
    const next = expectOutboxMatchesChain(second.node, second.outbox, 2_500)
    expect(next).toBe(second.node.head().number + 1n)
    dirs.push(first.dataDir)
  })
})
