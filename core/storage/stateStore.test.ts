import { bytesToHex, KECCAK256_NULL, KECCAK256_RLP } from '@ethereumjs/util'
import type { Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { type AccountState, createStateDiff, type StateDiff } from '../../executor/state/types.ts'
import { openDatabase } from './openDatabase.ts'
import { createStateStore } from './stateStore.ts'

const A = '0x00000000000000000000000000000000000000aa' as Hex
const B = '0x00000000000000000000000000000000000000bb' as Hex
const C = '0x00000000000000000000000000000000000000cc' as Hex
const S1 = `0x${'00'.repeat(31)}01` as Hex
const S2 = `0x${'00'.repeat(31)}02` as Hex
const CODE = new Uint8Array([0x60, 0x00, 0x60, 0x00, 0xf3])
const CODE_HASH = `0x${'11'.repeat(32)}` as Hex

const acct = (nonce: bigint, balance: bigint, codeHash: Uint8Array = KECCAK256_NULL): AccountState => ({
  nonce,
  balance,
  codeHash,
  storageRoot: KECCAK256_RLP,
})

type DiffSpec = {
  accounts?: [Hex, AccountState | null][]
  storage?: [Hex, { cleared?: boolean; slots?: [Hex, number[]][] }][]
  code?: [Hex, Uint8Array][]
}

function diffOf(spec: DiffSpec): StateDiff {
  const d = createStateDiff()
  for (const [a, v] of spec.accounts ?? []) d.accounts.set(a, v)
  for (const [a, s] of spec.storage ?? [])
    d.storage.set(a, {
      cleared: s.cleared ?? false,
      slots: new Map((s.slots ?? []).map(([k, v]) => [k, new Uint8Array(v)])),
    })
  for (const [h, c] of spec.code ?? []) d.code.set(h, c)
  return d
}

function setup() {
  const db = openDatabase({ path: ':memory:' })
  const store = createStateStore(db)
  const write = (block: bigint, spec: DiffSpec) => db.transaction(() => store.writeDiff(block, diffOf(spec)))()
  const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
  return { db, store, write, count }
}

const balanceAt = (store: ReturnType<typeof createStateStore>, block: bigint, a: Hex) =>
  store.readerAt(block).getAccount(a)?.balance
const slotAt = (store: ReturnType<typeof createStateStore>, block: bigint, a: Hex, s: Hex) =>
  Array.from(store.readerAt(block).getStorage(a, s))

describe('createStateStore', () => {
  it('default', () => {
    const { store, write } = setup()
    write(0n, { accounts: [[A, acct(0n, 100n)]] })
    expect(store.readerAt(0n).getAccount(A)).toEqual({
      nonce: 0n,
      balance: 100n,
      codeHash: KECCAK256_NULL,
      storageRoot: KECCAK256_RLP,
    })
    const head = store.loadHead()
    expect(head.accounts).toEqual([[A, { nonce: 0n, balance: 100n, codeHash: KECCAK256_NULL }]])
    expect(head.storage).toEqual([])
    expect(head.code).toEqual([])
  })

  it('behavior: readerAt a past block returns the values as of that block', () => {
    const { store, write } = setup()
    write(0n, { accounts: [[A, acct(0n, 100n)]] })
    write(1n, {
      accounts: [
        [A, acct(1n, 90n)],
        [B, acct(0n, 10n)],
      ],
    })
    write(2n, { accounts: [[B, acct(0n, 15n)]] })
    write(5n, { accounts: [[A, acct(2n, 50n)]] })

    expect(store.readerAt(0n).getAccount(A)?.nonce).toBe(0n)
    expect(balanceAt(store, 0n, A)).toBe(100n)
    expect(balanceAt(store, 0n, B)).toBeUndefined()
    expect(store.readerAt(0n).getAccount(B)).toBeUndefined()
    expect(balanceAt(store, 1n, A)).toBe(90n)
    expect(store.readerAt(1n).getAccount(A)?.nonce).toBe(1n)
    expect(balanceAt(store, 1n, B)).toBe(10n)
    expect(balanceAt(store, 2n, B)).toBe(15n)
    // blocks without changes see the last write before them
    expect(balanceAt(store, 3n, A)).toBe(90n)
    expect(balanceAt(store, 4n, B)).toBe(15n)
    expect(balanceAt(store, 5n, A)).toBe(50n)
    expect(balanceAt(store, 100n, A)).toBe(50n)
    // an account never written
    expect(store.readerAt(5n).getAccount(C)).toBeUndefined()
    // head tables hold the latest values
    expect(new Map(store.loadHead().accounts)).toEqual(
      new Map([
        [A, { nonce: 2n, balance: 50n, codeHash: KECCAK256_NULL }],
        [B, { nonce: 0n, balance: 15n, codeHash: KECCAK256_NULL }],
      ]),
    )
  })

  it('behavior: storage history per slot, zero values delete', () => {
    const { store, write } = setup()
    write(1n, {
      accounts: [[A, acct(1n, 0n)]],
      storage: [
        [
          A,
          {
            slots: [
              [S1, [1]],
              [S2, [2]],
            ],
          },
        ],
      ],
    })
    write(2n, { storage: [[A, { slots: [[S1, [3, 4]]] }]] })
    write(3n, { storage: [[A, { slots: [[S2, []]] }]] })

    expect(slotAt(store, 0n, A, S1)).toEqual([])
    expect(slotAt(store, 1n, A, S1)).toEqual([1])
    expect(slotAt(store, 1n, A, S2)).toEqual([2])
    expect(slotAt(store, 2n, A, S1)).toEqual([3, 4])
    expect(slotAt(store, 2n, A, S2)).toEqual([2])
    expect(slotAt(store, 3n, A, S2)).toEqual([])
    expect(slotAt(store, 3n, A, S1)).toEqual([3, 4])
    expect(slotAt(store, 3n, B, S1)).toEqual([])
    const head = store.loadHead().storage
    expect(head).toEqual([[A, S1, new Uint8Array([3, 4])]])
  })

  it('behavior: cleared storage reads empty from the clear on, earlier blocks keep their values', () => {
    const { store, write } = setup()
    write(1n, {
      accounts: [[A, acct(1n, 0n)]],
      storage: [
        [
          A,
          {
            slots: [
              [S1, [1]],
              [S2, [2]],
            ],
          },
        ],
      ],
    })
    // block 3 clears A (re-creation) and writes S2 afresh in the same block
    write(3n, { storage: [[A, { cleared: true, slots: [[S2, [9]]] }]] })
    expect(slotAt(store, 2n, A, S1)).toEqual([1])
    expect(slotAt(store, 2n, A, S2)).toEqual([2])
    expect(slotAt(store, 3n, A, S1)).toEqual([])
    expect(slotAt(store, 3n, A, S2)).toEqual([9])
    expect(slotAt(store, 4n, A, S1)).toEqual([])
    // a later write after the clear is visible again
    write(5n, { storage: [[A, { slots: [[S1, [7]]] }]] })
    expect(slotAt(store, 4n, A, S1)).toEqual([])
    expect(slotAt(store, 5n, A, S1)).toEqual([7])
    expect(slotAt(store, 5n, A, S2)).toEqual([9])
    expect(store.loadHead().storage.sort((x, y) => x[1].localeCompare(y[1]))).toEqual([
      [A, S1, new Uint8Array([7])],
      [A, S2, new Uint8Array([9])],
    ])
  })

  it('behavior: a deleted account is gone from that block on, with its storage', () => {
    const { store, write } = setup()
    write(1n, {
      accounts: [
        [A, acct(1n, 5n)],
        [B, acct(0n, 1n)],
      ],
      storage: [[A, { slots: [[S1, [1]]] }]],
    })
    write(2n, { accounts: [[A, null]], storage: [[A, { cleared: true }]] })
    expect(store.readerAt(1n).getAccount(A)?.balance).toBe(5n)
    expect(slotAt(store, 1n, A, S1)).toEqual([1])
    expect(store.readerAt(2n).getAccount(A)).toBeUndefined()
    expect(slotAt(store, 2n, A, S1)).toEqual([])
    expect(store.readerAt(9n).getAccount(A)).toBeUndefined()
    expect(store.loadHead().accounts.map(([a]) => a)).toEqual([B])
    expect(store.loadHead().storage).toEqual([])
    // re-created later without storage
    write(4n, { accounts: [[A, acct(0n, 3n)]] })
    expect(store.readerAt(3n).getAccount(A)).toBeUndefined()
    expect(store.readerAt(4n).getAccount(A)?.balance).toBe(3n)
    expect(slotAt(store, 4n, A, S1)).toEqual([])
  })

  it('behavior: a deleted account whose diff carries no storage entry still loses its storage', () => {
    const { store, write } = setup()
    write(1n, { accounts: [[A, acct(1n, 5n)]], storage: [[A, { slots: [[S1, [1]]] }]] })
    write(2n, { accounts: [[A, null]] })
    expect(slotAt(store, 1n, A, S1)).toEqual([1])
    expect(slotAt(store, 2n, A, S1)).toEqual([])
    expect(store.loadHead().storage).toEqual([])
  })

  it('behavior: code is stored by hash and readable at any block', () => {
    const { store, write } = setup()
    const hash = new Uint8Array(32).fill(0x11)
    write(1n, { accounts: [[A, acct(1n, 0n, hash)]], code: [[CODE_HASH, CODE]] })
    expect(Array.from(store.readerAt(1n).getCode(CODE_HASH)!)).toEqual(Array.from(CODE))
    expect(store.readerAt(1n).getCode(`0x${'22'.repeat(32)}`)).toBeUndefined()
    expect(bytesToHex(store.readerAt(1n).getAccount(A)!.codeHash)).toBe(CODE_HASH)
    expect(store.loadHead().code).toEqual([[CODE_HASH, CODE]])
    // writing the same code again is harmless
    write(2n, { code: [[CODE_HASH, CODE]] })
    expect(store.loadHead().code).toHaveLength(1)
  })

  it('behavior: pruneHistory keeps what queries at or after keepFrom need', () => {
    const { store, write, count } = setup()
    for (let b = 0n; b <= 10n; b++)
      write(b, { accounts: [[A, acct(b, 1000n - b)]], storage: [[A, { slots: [[S1, [Number(b) + 1]]] }]] })
    // B changes only at block 2: its row must survive as the value for every later block
    write(2n, { accounts: [[B, acct(0n, 77n)]], storage: [[B, { slots: [[S2, [42]]] }]] })
    expect(count('account_history')).toBe(12)
    expect(count('storage_history')).toBe(12)

    store.pruneHistory(6n)
    // A: rows 6..10 kept (6 is the value at 6); B: row 2 kept
    expect(count('account_history')).toBe(6)
    expect(count('storage_history')).toBe(6)
    for (let b = 6n; b <= 10n; b++) {
      expect(balanceAt(store, b, A)).toBe(1000n - b)
      expect(slotAt(store, b, A, S1)).toEqual([Number(b) + 1])
      expect(balanceAt(store, b, B)).toBe(77n)
      expect(slotAt(store, b, B, S2)).toEqual([42])
    }
    // pruning again with the same window changes nothing
    store.pruneHistory(6n)
    expect(count('account_history')).toBe(6)
  })

  it('behavior: pruneHistory keeps a clear and a deletion that later blocks depend on', () => {
    const { store, write } = setup()
    write(1n, {
      accounts: [
        [A, acct(1n, 5n)],
        [C, acct(0n, 1n)],
      ],
      storage: [
        [A, { slots: [[S1, [1]]] }],
        [C, { slots: [[S1, [3]]] }],
      ],
    })
    write(2n, { accounts: [[A, null]], storage: [[A, { cleared: true }]] })
    write(3n, { storage: [[C, { cleared: true }]] })
    write(8n, { accounts: [[B, acct(0n, 1n)]] })
    store.pruneHistory(5n)
    expect(store.readerAt(5n).getAccount(A)).toBeUndefined()
    expect(slotAt(store, 5n, A, S1)).toEqual([])
    expect(slotAt(store, 5n, C, S1)).toEqual([])
    expect(balanceAt(store, 5n, C)).toBe(1n)
    expect(balanceAt(store, 9n, B)).toBe(1n)
  })

  it('behavior: the head tables survive reopening the database file', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = mkdtempSync(join(tmpdir(), 'state-store-'))
    try {
      const path = join(dir, 'chain.sqlite')
      const db = openDatabase({ path })
      const store = createStateStore(db)
      db.transaction(() =>
        store.writeDiff(1n, diffOf({ accounts: [[A, acct(3n, 9n)]], storage: [[A, { slots: [[S1, [5]]] }]] })),
      )()
      db.close()
      const db2 = openDatabase({ path })
      const store2 = createStateStore(db2)
      expect(store2.loadHead().accounts).toEqual([[A, { nonce: 3n, balance: 9n, codeHash: KECCAK256_NULL }]])
      expect(store2.loadHead().storage).toEqual([[A, S1, new Uint8Array([5])]])
      expect(balanceAt(store2, 1n, A)).toBe(9n)
      db2.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
