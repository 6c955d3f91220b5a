import { createFeeMarket1559Tx } from '@ethereumjs/tx'
import { bytesToHex, hexToBytes } from '@ethereumjs/util'
import { Bloom } from '@ethereumjs/vm'
import Database from 'better-sqlite3'
import type { Address, Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { createChainCommon } from '../chain/createChainCommon.ts'
import { devAccounts } from '../chain/devAccounts.ts'
import { formatTransaction } from '../chain/formatTransaction.ts'
import { keccak256 } from '../crypto/keccak256.ts'
import { createChainStore, type StoredBlock } from './chainStore.ts'
import { migrate } from './migrate.ts'
import { openDatabase } from './openDatabase.ts'

const h = (n: number, tag = 'a') => `0x${tag.repeat(2)}${n.toString(16).padStart(62, '0')}` as Hex
const ADDR1 = '0x00000000000000000000000000000000000000a1' as Hex
const ADDR2 = '0x00000000000000000000000000000000000000a2' as Hex
const T0 = `0x${'01'.repeat(32)}` as Hex
const T1 = `0x${'02'.repeat(32)}` as Hex
const T2 = `0x${'03'.repeat(32)}` as Hex
const common = createChainCommon({ chainId: 31337n })
const [alice] = devAccounts()
const ALICE = alice.address.toLowerCase() as Address
const BASE_FEE = 1_000_000_000n

/** A signed EIP-1559 transfer from the first dev account, and its hash. */
function signed(nonce: number) {
  const tx = createFeeMarket1559Tx(
    { nonce: BigInt(nonce), to: ADDR2, value: 1n, gasLimit: 50_000n, maxFeePerGas: 3n * BASE_FEE, chainId: 31337n },
    { common },
  ).sign(hexToBytes(alice.privateKey))
  const raw = tx.serialize()
  return { tx, raw, hash: bytesToHex(keccak256(raw)) as Hex }
}

const header = (n: number) => ({
  number: `0x${n.toString(16)}`,
  hash: h(n, 'b'),
  parentHash: n === 0 ? h(0, '0') : h(n - 1, 'b'),
  timestamp: `0x${(1000 + n).toString(16)}`,
  baseFeePerGas: `0x${BASE_FEE.toString(16)}`,
})

/** Block n with `txCount` transfers; the logs are spread one per tx in order, the rest on the last tx. */
function block(n: number, txCount = 0, logs: { address: Hex; topics: Hex[] }[] = []): StoredBlock {
  const perTx = Array.from({ length: txCount }, (_, i) => (i < txCount - 1 ? logs.slice(i, i + 1) : logs.slice(i)))
  let logIndex = 0
  const txs = perTx.map((own, i) => {
    const { raw, hash } = signed(n * 100 + i)
    const first = logIndex
    logIndex += own.length
    return {
      hash,
      raw,
      sender: ALICE,
      to: ADDR2,
      status: (i % 2 === 0 ? 1 : 0) as 0 | 1,
      cumulativeGasUsed: 21_000n * BigInt(i + 1),
      gasUsed: 21_000n,
      effectiveGasPrice: BASE_FEE,
      contractAddress: null,
      firstLog: first,
      logCount: own.length,
    }
  })
  return {
    number: BigInt(n),
    hash: h(n, 'b'),
    headerRlp: new Uint8Array([0xc0, n]),
    header: header(n),
    txs,
    logs: perTx.flatMap((own, i) =>
      own.map((l, k) => ({
        logIndex: txs[i].firstLog + k,
        txIndex: i,
        txHash: txs[i].hash,
        address: l.address,
        topics: l.topics,
        data: '0x1234' as Hex,
      })),
    ),
  }
}

/** A transfer's receipt in block 1 as geth shapes it (the fields that vary between the txs of these tests given). */
function receiptJson(r: {
  hash: Hex
  index: number
  status: string
  cumulativeGasUsed: string
  logs: unknown[]
  logsBloom: string
}) {
  return {
    type: '0x2',
    status: r.status,
    cumulativeGasUsed: r.cumulativeGasUsed,
    logs: r.logs,
    logsBloom: r.logsBloom,
    transactionHash: r.hash,
    transactionIndex: `0x${r.index.toString(16)}`,
    blockHash: h(1, 'b'),
    blockNumber: '0x1',
    gasUsed: '0x5208',
    effectiveGasPrice: '0x3b9aca00',
    from: ALICE,
    to: ADDR2,
    contractAddress: null,
  }
}

function setup() {
  const db = openDatabase({ path: ':memory:' })
  return { db, chain: createChainStore(db, common) }
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

  // The store that wrote the blocks answers from its in-memory copy of the newest blocks; a second store on the same
  // database (another process, or after a restart) reads them from SQLite. Both must give the same JSON.
  it.each(['the writing store (newest blocks in memory)', 'another store on the database (SQLite rows)'])(
    'behavior: blocks, txs and receipts by number and hash, shaped as JSON-RPC returns them: %s',
    (reader) => {
      const { db, chain: writer } = setup()
      writer.putBlock(block(0))
      const b1 = block(1, 3, [
        { address: ADDR1, topics: [T0, T1] },
        { address: ADDR2, topics: [] },
        { address: ADDR1, topics: [T2] },
      ])
      writer.putBlock(b1)
      writer.putBlock(block(2, 1))
      const chain = reader.startsWith('the writing') ? writer : createChainStore(db, common)
      expect(chain.headNumber()).toBe(2n)
      const [t0, t1, t2] = b1.txs
      expect(chain.txHashesOfBlock(1n)).toEqual([t0.hash, t1.hash, t2.hash])
      // a tx read back is the one signed, in geth's shape, at its place in the block
      const expected = formatTransaction(signed(101).tx, ALICE, {
        blockHash: h(1, 'b'),
        blockNumber: 1n,
        index: 1,
        baseFee: BASE_FEE,
      })
      expect(expected.hash).toBe(t1.hash)
      expect(chain.txByHash(t1.hash)).toEqual(expected)
      expect(chain.txsOfBlock(1n)[1]).toEqual(expected)
      expect(chain.txsOfBlock(1n).map((t) => t.transactionIndex)).toEqual(['0x0', '0x1', '0x2'])

      const bloomOf = (entries: Hex[]) => {
        const bloom = new Bloom(undefined, common)
        for (const e of entries) bloom.add(hexToBytes(e))
        return bytesToHex(bloom.bitvector)
      }
      const log = (i: number, txIndex: number, address: Hex, topics: Hex[]) => ({
        address,
        topics,
        data: '0x1234',
        blockNumber: '0x1',
        blockHash: h(1, 'b'),
        blockTimestamp: '0x3e9',
        transactionHash: b1.txs[txIndex].hash,
        transactionIndex: `0x${txIndex}`,
        logIndex: `0x${i}`,
        removed: false,
      })
      expect(chain.receiptByHash(t2.hash)).toEqual(
        receiptJson({
          hash: t2.hash,
          index: 2,
          status: '0x1',
          cumulativeGasUsed: '0xf618',
          logs: [log(2, 2, ADDR1, [T2])],
          logsBloom: bloomOf([ADDR1, T2]),
        }),
      )
      const receipts = chain.receiptsOfBlock(1n)
      expect(receipts[2]).toEqual(chain.receiptByHash(t2.hash))
      expect(receipts.map((r) => r.status)).toEqual(['0x1', '0x0', '0x1'])
      expect(receipts.map((r) => r.logs)).toEqual([
        [log(0, 0, ADDR1, [T0, T1])],
        [log(1, 1, ADDR2, [])],
        [log(2, 2, ADDR1, [T2])],
      ])
      expect(chain.receiptsOfBlock(2n)[0].logsBloom).toBe(`0x${'00'.repeat(256)}`)
      expect(chain.rawTxByHash(t2.hash)).toEqual(t2.raw)

      expect(chain.txByHash(h(999, 'c'))).toBeUndefined()
      expect(chain.receiptByHash(h(999, 'c'))).toBeUndefined()
      expect(chain.rawTxByHash(h(999, 'c'))).toBeUndefined()
      expect(chain.headerByNumber(3n)).toBeUndefined()
      expect(chain.headerByHash(h(3, 'b'))).toBeUndefined()
      expect(chain.hashByNumber(3n)).toBeUndefined()
    },
  )

  it('behavior: a receipt read from memory carries the bloom the executor gave, equal to the one recomputed from SQLite', () => {
    const { db, chain } = setup()
    const b1 = block(1, 2, [
      { address: ADDR1, topics: [T0, T1] },
      { address: ADDR2, topics: [T2] },
    ])
    // the executor's bloom of each tx, as sealBlock passes it on
    const bloomOf = (entries: Hex[]) => {
      const bloom = new Bloom(undefined, common)
      for (const e of entries) bloom.add(hexToBytes(e))
      return bytesToHex(bloom.bitvector) as Hex
    }
    b1.txs[0].logsBloom = bloomOf([ADDR1, T0, T1])
    b1.txs[1].logsBloom = bloomOf([ADDR2, T2])
    chain.putBlock(b1)
    const fromDisk = createChainStore(db, common)
    expect(chain.receiptsOfBlock(1n).map((r) => r.logsBloom)).toEqual([b1.txs[0].logsBloom, b1.txs[1].logsBloom])
    expect(chain.receiptsOfBlock(1n)).toEqual(fromDisk.receiptsOfBlock(1n))
    // a bloom given is served as given (not recomputed): it is the executor's, which consensus hashed
    b1.txs[1].logsBloom = `0x${'ff'.repeat(256)}`
    expect(chain.receiptByHash(b1.txs[1].hash)?.logsBloom).toBe(`0x${'ff'.repeat(256)}`)
  })

  it('behavior: a block whose write was rolled back is not served from memory; its rewrite is', () => {
    const { db, chain } = setup()
    chain.putBlock(block(0))
    const lost = block(1, 2)
    expect(() =>
      db.transaction(() => {
        chain.putBlock(lost)
        throw new Error('the block write failed')
      })(),
    ).toThrow('the block write failed')
    expect(chain.headNumber()).toBe(0n)
    expect(chain.txHashesOfBlock(1n)).toEqual([])
    expect(chain.receiptsOfBlock(1n)).toEqual([])
    expect(chain.txsOfBlock(1n)).toEqual([])
    expect(chain.receiptByHash(lost.txs[0].hash)).toBeUndefined()
    expect(chain.txByHash(lost.txs[0].hash)).toBeUndefined()
    expect(chain.rawTxByHash(lost.txs[0].hash)).toBeUndefined()
    // block 1 again, other txs (nonces 200, 201: the same hash would be the same tx)
    const again = { ...block(2, 2), number: 1n, hash: h(1, 'b'), header: header(1) }
    chain.putBlock(again)
    expect(chain.txHashesOfBlock(1n)).toEqual(again.txs.map((t) => t.hash))
    expect(chain.receiptByHash(again.txs[1].hash)).toEqual(
      createChainStore(db, common).receiptByHash(again.txs[1].hash),
    )
    expect(chain.receiptByHash(lost.txs[0].hash)).toBeUndefined()
  })

  it('behavior: past its budget the store forgets its oldest blocks and reads them from SQLite (the newest block kept whatever its size)', () => {
    const db = openDatabase({ path: ':memory:' })
    const chain = createChainStore(db, common, { recentTxs: 4 })
    const fromDisk = createChainStore(db, common)
    const blocks = [block(0), block(1, 3, [{ address: ADDR1, topics: [T0] }]), block(2, 3), block(3, 6)]
    for (const b of blocks) chain.putBlock(b)
    for (const b of blocks) {
      expect(chain.receiptsOfBlock(b.number)).toEqual(fromDisk.receiptsOfBlock(b.number))
      expect(chain.txsOfBlock(b.number)).toEqual(fromDisk.txsOfBlock(b.number))
      expect(chain.txHashesOfBlock(b.number)).toEqual(b.txs.map((t) => t.hash))
      for (const t of b.txs) {
        expect(chain.receiptByHash(t.hash)).toEqual(fromDisk.receiptByHash(t.hash))
        expect(chain.receiptByHash(t.hash.toUpperCase().replace('0X', '0x') as Hex)?.transactionHash).toBe(t.hash)
        expect(chain.txByHash(t.hash)).toEqual(fromDisk.txByHash(t.hash))
        expect(chain.rawTxByHash(t.hash)).toEqual(t.raw)
      }
    }
  })

  it('behavior: a database written as JSON rows (schema 4) reads back the same after the migration', () => {
    const db = new Database(':memory:')
    migrate(db, 4)
    const b = block(1, 2, [{ address: ADDR1, topics: [T0, T1] }])
    const at = { blockHash: h(1, 'b'), blockNumber: 1n, baseFee: BASE_FEE }
    const old = b.txs.map((t, i) => {
      const logs = b.logs
        .filter((l) => l.txIndex === i)
        .map((l) => ({
          address: l.address,
          topics: l.topics,
          data: l.data,
          blockNumber: '0x1',
          blockHash: h(1, 'b'),
          blockTimestamp: '0x3e9',
          transactionHash: t.hash,
          transactionIndex: `0x${i}`,
          logIndex: `0x${l.logIndex}`,
          removed: false,
        }))
      const bloom = new Bloom(undefined, common)
      for (const l of logs) for (const e of [l.address, ...l.topics]) bloom.add(hexToBytes(e))
      return {
        tx: formatTransaction(signed(100 + i).tx, ALICE, { ...at, index: i }),
        logs,
        receipt: receiptJson({
          hash: t.hash,
          index: i,
          status: i === 0 ? '0x1' : '0x0',
          cumulativeGasUsed: `0x${(21_000 * (i + 1)).toString(16)}`,
          logs,
          logsBloom: bytesToHex(bloom.bitvector),
        }),
      }
    })
    db.prepare('INSERT INTO blocks VALUES (1, ?, ?, ?)').run(
      hexToBytes(h(1, 'b')),
      b.headerRlp,
      JSON.stringify(b.header),
    )
    b.txs.forEach((t, i) => {
      db.prepare('INSERT INTO txs VALUES (?, 1, ?, ?, ?, ?)').run(
        hexToBytes(t.hash),
        i,
        t.raw,
        JSON.stringify(old[i].tx),
        JSON.stringify(old[i].receipt),
      )
      for (const l of old[i].logs)
        db.prepare('INSERT INTO logs VALUES (1, ?, ?, ?, ?, NULL, NULL, ?)').run(
          Number(l.logIndex),
          hexToBytes(l.address),
          hexToBytes(l.topics[0]),
          hexToBytes(l.topics[1]),
          JSON.stringify(l),
        )
    })
    migrate(db)
    const chain = createChainStore(db, common)
    expect(b.txs.map((t) => chain.txByHash(t.hash))).toEqual(old.map((o) => o.tx))
    expect(b.txs.map((t) => chain.receiptByHash(t.hash))).toEqual(old.map((o) => o.receipt))
    expect(chain.logs({ fromBlock: 0n, toBlock: 1n, topics: [null, [T1]], limit: 10 })).toEqual(old[0].logs)
    expect(chain.rawTxByHash(b.txs[1].hash)).toEqual(b.txs[1].raw)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('txs', 'logs')").all()).toEqual([])
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
    const ids = (rows: Record<string, unknown>[]) => rows.map((r) => `${Number(r.blockNumber)}:${Number(r.logIndex)}`)
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
        1,
        Array.from({ length: 5 }, () => ({ address: ADDR1, topics: [T0] })),
      ),
    )
    expect(chain.logs({ fromBlock: 0n, toBlock: 0n, limit: 2 })).toHaveLength(3)
    expect(chain.logs({ fromBlock: 0n, toBlock: 0n, limit: 10 })).toHaveLength(5)
  })
})
