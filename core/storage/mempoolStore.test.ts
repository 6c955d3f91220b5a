import type { Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { createMempoolStore } from './mempoolStore.ts'
import { openDatabase } from './openDatabase.ts'

const h = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex

describe('createMempoolStore', () => {
  it('default', async () => {
    const db = openDatabase({ path: ':memory:' })
    const store = createMempoolStore(db)
    await store.insert({ hash: h(1), raw: new Uint8Array([1]), seq: 5 })
    expect(store.all()).toEqual([{ raw: new Uint8Array([1]), seq: 5 }])
  })

  it('behavior: concurrent inserts commit together and come back in arrival order', async () => {
    const db = openDatabase({ path: ':memory:' })
    const store = createMempoolStore(db)
    const pending = [3, 1, 2].map((seq) => store.insert({ hash: h(seq), raw: new Uint8Array([seq]), seq }))
    // nothing is written before the flush
    expect(store.all()).toEqual([])
    await Promise.all(pending)
    expect(store.all().map((r) => r.seq)).toEqual([1, 2, 3])
    store.delete([h(2), h(9)])
    expect(store.all().map((r) => r.seq)).toEqual([1, 3])
  })

  it('error: a failed flush rejects every insert of the batch', async () => {
    const db = openDatabase({ path: ':memory:' })
    const store = createMempoolStore(db)
    const a = store.insert({ hash: h(1), raw: new Uint8Array([1]), seq: 1 })
    const b = store.insert({ hash: h(2), raw: null as unknown as Uint8Array, seq: 2 })
    await expect(a).rejects.toThrow()
    await expect(b).rejects.toThrow()
    expect(store.all()).toEqual([])
    // the store keeps working afterwards
    await store.insert({ hash: h(3), raw: new Uint8Array([3]), seq: 3 })
    expect(store.all().map((r) => r.seq)).toEqual([3])
  })
})
