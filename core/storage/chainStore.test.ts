import type { Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { createChainStore, type StoredBlock } from './chainStore.ts'
import { openDatabase } from './openDatabase.ts'

const h = (n: number, tag = 'a') => `0x${tag.repeat(2)}${n.toString(16).padStart(62, '0')}` as Hex
const ADDR1 = '0x00000000000000000000000000000000000000a1' as Hex
const ADDR2 = '0x00000000000000000000000000000000000000a2' as Hex
const T0 = `0x${'01'.repeat(32)}` as Hex
const T1 = `0x${'02'.repeat(32)}` as Hex
const T2 = `0x${'03'.repeat(32)}` as Hex

function block(n: number, txCount = 0, logs: { address: Hex; topics: Hex[] }[] = []): StoredBlock {
  const txs = Array.from({ length: txCount }, (_, i) => {
    const hash = h(n * 100 + i, 'c')
    return {
      hash,
      raw: new Uint8Array([n, i]),
      tx: { hash, blockNumber: `0x${n.toString(16)}`, transactionIndex: `0x${i.toString(16)}` },
      receipt: { transactionHash: hash, status: '0x1', blockNumber: `0x${n.toString(16)}` },
    }
  })
  return {
    number: BigInt(n),
    hash: h(n, 'b'),
    headerRlp: new Uint8Array([0xc0, n]),
    header: { number: `0x${n.toString(16)}`, hash: h(n, 'b'), parentHash: n === 0 ? h(0, '0') : h(n - 1, 'b') },
    txs,
    logs: logs.map((l, i) => ({
      logIndex: i,
      address: l.address,
      topics: l.topics,
      log: { blockNumber: n, logIndex: i, address: l.address, topics: l.topics },
    })),
  }
}

function setup() {
  const db = openDatabase({ path: ':memory:' })
  return { db, chain: createChainStore(db) }
}

describe('createChainStore', () => {
  it('default', () => {
    const { chain } = setup()
    expect(chain.headNumber()).toBeUndefined()
    chain.putBlock(block(0))
    expect(chain.headNumber()).toBe(0n)
    expect(chain.headerByNumber(0n)).toEqual(block(0).header)
    expect(chain.headerByHash(h(0, 'b'))).toEqual(block(0).header)
    expect(chain.hashByNumber(0n)).toBe(h(0, 'b'))
    expect(chain.txHashesOfBlock(0n)).toEqual([])
  })

  it('behavior: blocks, txs and receipts by number and hash', () => {
    const { chain } = setup()
    chain.putBlock(block(0))
    chain.putBlock(block(1, 3))
    chain.putBlock(block(2, 1))
    expect(chain.headNumber()).toBe(2n)
    expect(chain.txHashesOfBlock(1n)).toEqual([h(100, 'c'), h(101, 'c'), h(102, 'c')])
    expect(chain.txsOfBlock(1n).map((t) => t.transactionIndex)).toEqual(['0x0', '0x1', '0x2'])
    expect(chain.receiptsOfBlock(2n)).toEqual([{ transactionHash: h(200, 'c'), status: '0x1', blockNumber: '0x2' }])
    expect(chain.txByHash(h(101, 'c'))).toEqual({ hash: h(101, 'c'), blockNumber: '0x1', transactionIndex: '0x1' })
    expect(chain.receiptByHash(h(101, 'c'))?.transactionHash).toBe(h(101, 'c'))
    expect(Array.from(chain.rawTxByHash(h(102, 'c'))!)).toEqual([1, 2])
    expect(chain.txByHash(h(999, 'c'))).toBeUndefined()
    expect(chain.receiptByHash(h(999, 'c'))).toBeUndefined()
    expect(chain.rawTxByHash(h(999, 'c'))).toBeUndefined()
    expect(chain.headerByNumber(3n)).toBeUndefined()
    expect(chain.headerByHash(h(3, 'b'))).toBeUndefined()
    expect(chain.hashByNumber(3n)).toBeUndefined()
  })

  it('error: a block number or hash cannot be stored twice', () => {
    const { chain } = setup()
    chain.putBlock(block(0))
    expect(() => chain.putBlock(block(0))).toThrow(/UNIQUE|PRIMARY/)
  })

  it('behavior: logs filter by range, address and topics (OR within a position), in chain order', () => {
    const { chain } = setup()
    chain.putBlock(block(0))
    chain.putBlock(
      block(1, 1, [
        { address: ADDR1, topics: [T0, T1] },
        { address: ADDR2, topics: [T0] },
      ]),
    )
    chain.putBlock(block(2, 1, [{ address: ADDR1, topics: [T2, T1] }]))
    chain.putBlock(block(3, 1, [{ address: ADDR2, topics: [] }]))
    const all = { fromBlock: 0n, toBlock: 3n, limit: 100 }
    const ids = (rows: Record<string, unknown>[]) => rows.map((r) => `${r.blockNumber}:${r.logIndex}`)
    expect(ids(chain.logs(all))).toEqual(['1:0', '1:1', '2:0', '3:0'])
    expect(ids(chain.logs({ ...all, fromBlock: 2n }))).toEqual(['2:0', '3:0'])
    expect(ids(chain.logs({ ...all, toBlock: 1n }))).toEqual(['1:0', '1:1'])
    expect(ids(chain.logs({ ...all, addresses: [ADDR1] }))).toEqual(['1:0', '2:0'])
    expect(ids(chain.logs({ ...all, addresses: [ADDR1, ADDR2] }))).toEqual(['1:0', '1:1', '2:0', '3:0'])
    expect(ids(chain.logs({ ...all, topics: [[T0]] }))).toEqual(['1:0', '1:1'])
    expect(ids(chain.logs({ ...all, topics: [[T0, T2]] }))).toEqual(['1:0', '1:1', '2:0'])
    expect(ids(chain.logs({ ...all, topics: [null, [T1]] }))).toEqual(['1:0', '2:0'])
    expect(ids(chain.logs({ ...all, topics: [[T0], [T1]] }))).toEqual(['1:0'])
    expect(ids(chain.logs({ ...all, topics: [[], [T1]] }))).toEqual(['1:0', '2:0'])
    expect(ids(chain.logs({ ...all, addresses: [ADDR2], topics: [[T0]] }))).toEqual(['1:1'])
  })

  it('behavior: logs returns limit + 1 rows at most', () => {
    const { chain } = setup()
    chain.putBlock(
      block(
        0,
        0,
        Array.from({ length: 5 }, () => ({ address: ADDR1, topics: [T0] })),
      ),
    )
    expect(chain.logs({ fromBlock: 0n, toBlock: 0n, limit: 2 })).toHaveLength(3)
    expect(chain.logs({ fromBlock: 0n, toBlock: 0n, limit: 10 })).toHaveLength(5)
  })
})
