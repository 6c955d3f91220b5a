import Database from 'better-sqlite3'
import { keccak256, toHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { createProverStore, ProvedStatusError } from './proverStore.ts'

const root = (s: string) => keccak256(toHex(s))
const verdict = (index: number, status: 'derived' | 'mismatch' | 'refused') => ({
  index,
  status,
  firstBlock: status === 'refused' ? null : BigInt(index * 10 + 1),
  lastBlock: BigInt(index * 10 + 10),
  l1Block: BigInt(100 + index),
  dataHash: root(`data ${index}`),
  claimedOutputRoot: root(`claimed ${index}`),
  computedOutputRoot:
    status === 'refused' ? null : root(status === 'derived' ? `claimed ${index}` : `computed ${index}`),
  reason: status === 'derived' ? null : status,
})

describe('createProverStore', () => {
  it('default: records verdicts and their moves, in index order', () => {
    const store = createProverStore(new Database(':memory:'), () => 1234)
    store.insert(verdict(0, 'derived'))
    store.insert(verdict(1, 'derived'))
    expect(store.move(0, 'attested', { l1TxHash: root('tx 0') })).toMatchObject({
      index: 0,
      status: 'attested',
      firstBlock: 1n,
      lastBlock: 10n,
      l1TxHash: root('tx 0'),
      updatedAt: 1234,
    })
    expect(store.byStatus('derived').map((b) => b.index)).toEqual([1])
    expect(store.last()?.index).toBe(1)
    expect(store.halt()).toBeUndefined()
  })

  it('behavior: a mismatch, a dispute or a refusal halts; only underivable refusals are dropped on restart', () => {
    const db = new Database(':memory:')
    const store = createProverStore(db)
    store.insert(verdict(0, 'derived'))
    store.insert(verdict(1, 'mismatch'))
    expect(store.halt()?.index).toBe(1)
    store.move(1, 'disputed')
    expect(store.halt()).toMatchObject({ index: 1, status: 'disputed' })
    store.move(0, 'refused', { reason: 'disputed on L1 by another prover' })
    store.insert(verdict(2, 'refused'))
    // created again over the same database, as on a restart
    const again = createProverStore(db)
    expect(again.dropRefused()).toBe(1)
    expect(again.get(2)).toBeUndefined()
    expect(again.get(0)).toMatchObject({ status: 'refused', reason: 'disputed on L1 by another prover' })
    expect(again.halt()?.index).toBe(0)
  })

  it('error: a move the lifecycle does not allow', () => {
    const store = createProverStore(new Database(':memory:'))
    store.insert(verdict(0, 'derived'))
    store.insert(verdict(1, 'mismatch'))
    expect(() => store.move(0, 'disputed')).toThrowError(ProvedStatusError)
    expect(() => store.move(1, 'attested')).toThrowErrorMatchingInlineSnapshot(
      `[ProvedStatusError: batch 1 cannot move from mismatch to attested]`,
    )
    expect(() => store.move(7, 'attested')).toThrowError('batch 7 cannot move from nothing to attested')
    expect(() => store.insert({ ...verdict(2, 'derived'), status: 'attested' as never })).toThrowError(
      ProvedStatusError,
    )
  })
})
