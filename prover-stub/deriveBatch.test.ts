// The derivation rules, in process: a node built with the block producer is the reference, and
// batches made from its blocks (or broken on purpose) are derived into a second, empty node.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesToHex, type Hex, hexToBytes, keccak256, parseEther, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, it } from 'vitest'
import type { Batch } from '../core/batch/index.ts'
import { devAccounts } from '../core/chain/devAccounts.ts'
import { readConfig } from '../core/config/config.ts'
import { blockDepositOf, type DepositEvent } from '../core/deposits/depositTx.ts'
import { createLogger } from '../core/log/logger.ts'
import { createDepositStore } from '../core/storage/depositStore.ts'
import { createBlockProducer } from '../sequencer/block/createBlockProducer.ts'
import { createNode, type Node } from '../sequencer/node/createNode.ts'
import { submitRawTransaction } from '../sequencer/rpc/methods/txMethods.ts'
import { deriveBatch } from './deriveBatch.ts'
import { DerivationError } from './errors.ts'
import type { L1Batch } from './fetchBatch.ts'
import { outputRootOfHeader } from './outputRootOfHeader.ts'

const log = createLogger({ level: 'silent' })
const dirs: string[] = []
const nodes: Node[] = []
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function openNode(): Promise<Node> {
  const dataDir = mkdtempSync(join(tmpdir(), 'derive-batch-'))
  dirs.push(dataDir)
  const node = await createNode({ config: readConfig({ DATA_DIR: dataDir, EXECUTOR_WORKERS: '0' }), log })
  nodes.push(node)
  return node
}

const signTransfer = (from: number, nonce: number) =>
  privateKeyToAccount(devAccounts()[from].privateKey).signTransaction({
    chainId: 901901,
    type: 'eip1559',
    nonce,
    to: devAccounts()[9].address,
    value: parseEther('0.001'),
    gas: 21_000n,
    maxFeePerGas: 10n ** 10n,
    maxPriorityFeePerGas: 1n,
  })

/** A reference chain from the block producer: block 1 with two transfers, block 2 empty, block 3 with one. */
async function referenceChain(): Promise<Node> {
  const node = await openNode()
  const producer = createBlockProducer(node)
  for (const txs of [[await signTransfer(0, 0), await signTransfer(1, 0)], [], [await signTransfer(0, 1)]]) {
    for (const raw of txs) await submitRawTransaction(node, hexToBytes(raw))
    await producer.produceBlock()
  }
  return node
}

/** Blocks first..last of `node` as an L1 batch claiming the node's own output roots. */
function l1BatchOf(node: Node, index: number, first: bigint, last: bigint): L1Batch {
  const blocks: Batch['blocks'] = []
  for (let n = first; n <= last; n++) {
    const header = node.chain.headerByNumber(n)!
    const transactions = node.chain.txHashesOfBlock(n).map((h) => toHex(node.chain.rawTxByHash(h)!))
    blocks.push({ number: n, timestamp: BigInt(header.timestamp as string), l1Origin: 0n, deposits: [], transactions })
  }
  return {
    index,
    outputRoot: outputRootOfHeader(node.chain.headerByNumber(last)!),
    prevOutputRoot: outputRootOfHeader(node.chain.headerByNumber(first - 1n)!),
    lastL2Block: last,
    dataHash: keccak256('0x01'),
    txHash: keccak256('0x02'),
    l1Block: 7n,
    data: new Uint8Array([1]),
    batch: { parentHash: node.chain.hashByNumber(first - 1n)!, blocks },
  }
}

const RECIPIENT = '0x000000000000000000000000000000000000bEEF' as Hex
const depositEvent = (nonce: bigint, l1BlockNumber: bigint): DepositEvent => ({
  nonce,
  from: devAccounts()[7].address,
  to: RECIPIENT,
  amount: parseEther('2'),
  l1BlockNumber,
  l1BlockHash: keccak256(toHex(`l1 block ${l1BlockNumber}`)),
  logIndex: 0,
  l1TxHash: keccak256(toHex(`deposit ${nonce}`)),
})
const deposit = blockDepositOf(depositEvent(0n, 1n))

const reasonOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: unknown) => (e instanceof DerivationError ? `${e.reason} @${e.l2Block}` : `unexpected ${String(e)}`),
  )

describe('deriveBatch', () => {
  it('default: rebuilds the producer’s blocks exactly, one batch after another', async () => {
    const ref = await referenceChain()
    const node = await openNode()
    const b0 = await deriveBatch(node, { batch: l1BatchOf(ref, 0, 1n, 2n) })
    const b1 = await deriveBatch(node, { batch: l1BatchOf(ref, 1, 3n, 3n) })
    expect([b0.matches, b1.matches]).toEqual([true, true])
    expect(b0).toMatchObject({ firstBlock: 1n, lastBlock: 2n, blocks: 2, txs: 2 })
    expect(b1).toMatchObject({
      firstBlock: 3n,
      lastBlock: 3n,
      blocks: 1,
      txs: 1,
      blockHash: ref.chain.hashByNumber(3n),
    })
    for (let n = 0n; n <= 3n; n++) {
      expect(node.chain.headerByNumber(n)).toEqual(ref.chain.headerByNumber(n))
      expect(node.chain.receiptsOfBlock(n)).toEqual(ref.chain.receiptsOfBlock(n))
    }
    expect(node.chain.headNumber()).toBe(3n)
  })

  it('behavior: a wrong claimed output root does not make the blocks wrong: they are persisted, `matches` is false', async () => {
    const ref = await referenceChain()
    const node = await openNode()
    const wrong = keccak256(toHex('wrong'))
    let persisted = false
    const d = await deriveBatch(node, {
      batch: { ...l1BatchOf(ref, 0, 1n, 3n), outputRoot: wrong },
      onPersist: () => void (persisted = true),
    })
    expect(d).toMatchObject({
      matches: false,
      claimedOutputRoot: wrong,
      outputRoot: outputRootOfHeader(ref.chain.headerByNumber(3n)!),
    })
    expect(persisted).toBe(true)
    expect(node.chain.hashByNumber(3n)).toBe(ref.chain.hashByNumber(3n))
  })

  it('error: each rule, in order', async () => {
    const ref = await referenceChain()
    const good = l1BatchOf(ref, 0, 1n, 3n)
    const blocks = good.batch.blocks
    const cases: [string, L1Batch][] = [
      ['prev output root mismatch @0', { ...good, prevOutputRoot: keccak256('0x03') }],
      ['parent hash mismatch @0', { ...good, batch: { ...good.batch, parentHash: keccak256('0x04') } }],
      [
        'block number mismatch @2',
        {
          ...l1BatchOf(ref, 0, 2n, 3n),
          prevOutputRoot: good.prevOutputRoot,
          batch: { ...l1BatchOf(ref, 0, 2n, 3n).batch, parentHash: good.batch.parentHash },
        },
      ],
      ['block number mismatch @3', { ...good, lastL2Block: 2n }],
      [
        'invalid l1 origin @1',
        { ...good, batch: { ...good.batch, blocks: [{ ...blocks[0], l1Origin: 7n }, blocks[1], blocks[2]] } },
      ],
      [
        'invalid l1 origin @1',
        {
          ...good,
          l1Block: 4000n,
          batch: { ...good.batch, blocks: [{ ...blocks[0], l1Origin: 300n }, blocks[1], blocks[2]] },
        },
      ],
      // a deposit that no bridge log backs
      [
        'invalid deposit @2',
        {
          ...good,
          batch: {
            ...good.batch,
            blocks: [blocks[0], { ...blocks[1], deposits: [bytesToHex(deposit.raw)] }, blocks[2]],
          },
        },
      ],
      [
        'invalid transaction @1',
        {
          ...good,
          batch: { ...good.batch, blocks: [{ ...blocks[0], transactions: ['0x02c0'] }, blocks[1], blocks[2]] },
        },
      ],
      // nonce 1 before nonce 0 of the same sender: 'verify' mode refuses what 'build' would leave out
      [
        'invalid transaction @1',
        {
          ...good,
          batch: {
            ...good.batch,
            blocks: [{ ...blocks[0], transactions: [await signTransfer(0, 1)] }, blocks[1], blocks[2]],
          },
        },
      ],
      [
        'invalid transaction @1',
        {
          ...good,
          batch: {
            ...good.batch,
            blocks: [
              { ...blocks[0], transactions: [`0x03${(await signTransfer(0, 0)).slice(4)}` as Hex] },
              blocks[1],
              blocks[2],
            ],
          },
        },
      ],
    ]
    // A failed derivation leaves the node's memory ahead of its database: each case gets a fresh node.
    for (const [want, batch] of cases) {
      const node = await openNode()
      expect(await reasonOf(deriveBatch(node, { batch })), want).toBe(want)
      expect(node.chain.headNumber(), 'nothing persisted').toBe(0n)
    }
  })

  it('behavior: a deposit past its deadline that the batch leaves out is forced in; one it lists is replayed', async () => {
    const ref = await referenceChain()
    const event = depositEvent(0n, 1n)
    const good = l1BatchOf(ref, 0, 1n, 3n)
    // origin 20: the deposit (L1 block 1) is not due yet (deadline 32), and the batch may list it
    const listed = await openNode()
    createDepositStore(listed.db).add([event])
    const withIt = {
      ...good,
      l1Block: 50n,
      batch: {
        ...good.batch,
        blocks: good.batch.blocks.map((b, i) => ({
          ...b,
          l1Origin: 20n,
          deposits: i === 1 ? [bytesToHex(deposit.raw)] : [],
        })),
      },
    }
    const d1 = await deriveBatch(listed, { batch: withIt })
    expect(d1).toMatchObject({ deposits: 1, forcedDeposits: 0 })
    expect(listed.chain.txsOfBlock(2n)[0]).toMatchObject({ type: '0x7e', hash: deposit.hash })
    expect(listed.world.getAccount(RECIPIENT.toLowerCase() as Hex)?.balance).toBe(event.amount)
    // origin 40 (>= 1 + 32): due, left out, forced in at the start of block 1
    const forced = await openNode()
    createDepositStore(forced.db).add([event])
    const without = {
      ...good,
      l1Block: 50n,
      batch: { ...good.batch, blocks: good.batch.blocks.map((b) => ({ ...b, l1Origin: 40n })) },
    }
    const d2 = await deriveBatch(forced, { batch: without })
    expect(d2).toMatchObject({ deposits: 1, forcedDeposits: 1, matches: false })
    expect(forced.chain.txsOfBlock(1n)[0]).toMatchObject({ type: '0x7e', hash: deposit.hash })
    expect(forced.world.getAccount(RECIPIENT.toLowerCase() as Hex)?.balance).toBe(event.amount)
    expect(createDepositStore(forced.db).byNonce(0n)?.l2Block).toBe(1n)
    // origin 20 and not listed: not due, nothing forced, the blocks are the reference's
    const notDue = await openNode()
    createDepositStore(notDue.db).add([event])
    const early = {
      ...good,
      l1Block: 50n,
      batch: { ...good.batch, blocks: good.batch.blocks.map((b) => ({ ...b, l1Origin: 20n })) },
    }
    expect(await deriveBatch(notDue, { batch: early })).toMatchObject({ deposits: 0, forcedDeposits: 0, matches: true })
  })

  it('error: a timestamp below the parent’s, across batches', async () => {
    const ref = await referenceChain()
    const node = await openNode()
    const first = l1BatchOf(ref, 0, 1n, 1n)
    await deriveBatch(node, {
      batch: { ...first, batch: { ...first.batch, blocks: [{ ...first.batch.blocks[0], timestamp: 2n ** 40n }] } },
    })
    const second = l1BatchOf(ref, 1, 2n, 3n)
    const rebased = {
      ...second,
      prevOutputRoot: outputRootOfHeader(node.chain.headerByNumber(1n)!),
      batch: { ...second.batch, parentHash: node.chain.hashByNumber(1n)! },
    }
    expect(await reasonOf(deriveBatch(node, { batch: rebased }))).toBe('invalid timestamp @2')
  })
})
