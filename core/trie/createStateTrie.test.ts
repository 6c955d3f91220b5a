import { MerklePatriciaTrie } from '@ethereumjs/mpt'
import { RLP } from '@ethereumjs/rlp'
import {
  bigIntToBytes,
  bigIntToUnpaddedBytes,
  bytesToHex,
  hexToBytes,
  type PrefixedHexString,
  setLengthLeft,
} from '@ethereumjs/util'
import { describe, expect, it } from 'vitest'
import { EMPTY_TRIE_ROOT } from '../crypto/constants.ts'
import { keccak256 } from '../crypto/keccak256.ts'
import { createStateTrie, type StateTrie } from './createStateTrie.ts'
import { loadEthereumTests } from './testing/loadEthereumTests.ts'
import { trieFixtureCases } from './testing/trieFixtureCases.ts'
import { trieRoot } from './trieRoot.ts'

type Account = {
  nonce: PrefixedHexString
  balance: PrefixedHexString
  code: PrefixedHexString
  storage: Record<string, PrefixedHexString>
}
type BlockchainTest = {
  pre: Record<string, Account>
  postState?: Record<string, Account>
  genesisBlockHeader: { stateRoot: string }
  blocks: { blockHeader?: { stateRoot: string } }[]
}

const tests = loadEthereumTests()
const utf8 = (text: string) => new TextEncoder().encode(text)
const hex = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : bytesToHex(bytes))

// A model of the trie's contents, keyed by hex, to rebuild the expected root from scratch.
class Model {
  readonly map = new Map<string, [Uint8Array, Uint8Array]>()
  put(key: Uint8Array, value: Uint8Array) {
    if (value.length === 0) this.map.delete(bytesToHex(key))
    else this.map.set(bytesToHex(key), [key, value])
  }
  root() {
    return bytesToHex(trieRoot(this.map.values()))
  }
}

// Keys over a tiny alphabet and length 0-4 force prefix keys (branch values), extensions that split
// and merge, and nodes short enough to be inlined.
const smallKey = () =>
  Uint8Array.from({ length: Math.floor(Math.random() * 5) }, () => Math.floor(Math.random() * 3) * 17)
const value = (max: number) => crypto.getRandomValues(new Uint8Array(1 + Math.floor(Math.random() * max)))

describe('createStateTrie', () => {
  it('default', () => {
    const trie = createStateTrie()
    trie.put(utf8('doe'), utf8('reindeer'))
    trie.put(utf8('dog'), utf8('puppy'))
    trie.put(utf8('dogglesworth'), utf8('cat'))
    expect(hex(trie.get(utf8('dog')))).toBe(hex(utf8('puppy')))
    expect(trie.size).toBe(3)
    expect(hex(trie.root())).toBe('0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3')
  })

  it('behavior: an empty trie has the empty root, size 0 and no values', () => {
    const trie = createStateTrie()
    expect(trie.root()).toEqual(EMPTY_TRIE_ROOT)
    expect(trie.size).toBe(0)
    expect(trie.get(new Uint8Array())).toBeUndefined()
    expect(trie.delete(utf8('x'))).toBe(false)
  })

  it('behavior: put with an empty value deletes; delete says whether the key was there', () => {
    const trie = createStateTrie()
    trie.put(utf8('a'), utf8('1'))
    trie.put(utf8('ab'), utf8('2'))
    trie.put(utf8('a'), new Uint8Array())
    expect(trie.get(utf8('a'))).toBeUndefined()
    expect(trie.size).toBe(1)
    expect(trie.delete(utf8('a'))).toBe(false)
    expect(trie.delete(utf8('abc'))).toBe(false)
    expect(trie.delete(utf8('ab'))).toBe(true)
    expect(trie.size).toBe(0)
    expect(trie.root()).toEqual(EMPTY_TRIE_ROOT)
  })

  it('behavior: get misses on prefixes, extensions of stored keys and diverging keys', () => {
    const trie = createStateTrie({
      entries: [
        [utf8('dog'), utf8('puppy')],
        [utf8('doge'), utf8('coin')],
      ],
    })
    for (const miss of ['', 'd', 'do', 'dogs', 'dogee', 'cat']) expect(trie.get(utf8(miss)), miss).toBeUndefined()
    expect(hex(trie.get(utf8('doge')))).toBe(hex(utf8('coin')))
  })

  it('behavior: root() returns a fresh copy each time', () => {
    const trie = createStateTrie({ entries: [[utf8('k'), utf8('v')]] })
    const first = trie.root()
    first.fill(0)
    expect(trie.root()).not.toEqual(first)
    expect(trie.root()).not.toBe(trie.root())
  })

  it('behavior: rewriting a value, or deleting an absent key, leaves the root unchanged', () => {
    const entries = Array.from(
      { length: 300 },
      (_, i) => [keccak256(Uint8Array.of(i >> 8, i)), Uint8Array.of(i)] as const,
    )
    const trie = createStateTrie({ entries })
    const root = trie.root()
    for (const [key, v] of entries.slice(0, 50)) trie.put(key, Uint8Array.from(v))
    trie.delete(keccak256(utf8('absent')))
    expect(trie.root()).toEqual(root)
    expect(trie.size).toBe(300)
  })

  it('behavior: keeps the arrays it is given (no copies)', () => {
    const key = utf8('key')
    const stored = utf8('value')
    const trie = createStateTrie()
    trie.put(key, stored)
    expect(trie.get(utf8('key'))).toBe(stored)
  })

  it('behavior: incremental roots match a rebuild after every random write, delete and root()', () => {
    for (let round = 0; round < 150; round++) {
      const trie = createStateTrie()
      const model = new Model()
      const pool = Array.from({ length: 3 + Math.floor(Math.random() * 40) }, smallKey)
      for (let op = 0; op < 120; op++) {
        const key = pool[Math.floor(Math.random() * pool.length)]
        const roll = Math.random()
        if (roll < 0.25) {
          expect(trie.delete(key)).toBe(model.map.has(bytesToHex(key)))
          model.put(key, new Uint8Array())
        } else {
          // Mostly tiny values (inline leaves), sometimes long ones (hashed), sometimes empty (delete).
          const v = roll < 0.3 ? new Uint8Array() : value(roll < 0.8 ? 2 : 60)
          trie.put(key, v)
          model.put(key, v)
        }
        // Hash at random points, so cached hashes must survive (or be dropped by) later writes.
        if (Math.random() < 0.3) expect(hex(trie.root()), `round ${round} op ${op}`).toBe(model.root())
      }
      expect(hex(trie.root())).toBe(model.root())
      expect(trie.size).toBe(model.map.size)
      for (const [key, v] of model.map.values()) expect(hex(trie.get(key))).toBe(hex(v))
    }
  })

  it('behavior: a 32-byte-key trie under heavy churn matches @ethereumjs/mpt', async () => {
    const trie = createStateTrie()
    const reference = new MerklePatriciaTrie()
    const keys = Array.from({ length: 400 }, () => crypto.getRandomValues(new Uint8Array(32)))
    for (let op = 0; op < 3000; op++) {
      const key = keys[Math.floor(Math.random() * keys.length)]
      if (Math.random() < 0.35) {
        trie.delete(key)
        await reference.del(key)
      } else {
        const v = value(Math.random() < 0.5 ? 3 : 100)
        trie.put(key, v)
        await reference.put(key, v)
      }
      if (op % 97 === 0) expect(hex(trie.root()), `op ${op}`).toBe(hex(reference.root()))
    }
    expect(hex(trie.root())).toBe(hex(reference.root()))
  })

  it('behavior: bulk loading (unsorted, duplicates, empty values) equals inserting one by one', () => {
    const entries: [Uint8Array, Uint8Array][] = []
    for (let i = 0; i < 3000; i++)
      entries.push([i % 3 ? keccak256(Uint8Array.of(i % 1000)) : smallKey(), value(i % 7 ? 80 : 2)])
    entries.push([entries[5][0], new Uint8Array()])
    const oneByOne = createStateTrie()
    for (const [key, v] of entries) oneByOne.put(key, v)
    const bulk = createStateTrie({ entries })
    expect(hex(bulk.root())).toBe(hex(oneByOne.root()))
    expect(bulk.size).toBe(oneByOne.size)
    // And a bulk-built trie keeps working incrementally.
    for (const [key] of entries.slice(0, 500)) {
      bulk.delete(key)
      oneByOne.delete(key)
    }
    expect(hex(bulk.root())).toBe(hex(oneByOne.root()))
  })

  it('behavior: putMany into a non-empty trie applies the entries in order', () => {
    const trie = createStateTrie({ entries: [[utf8('a'), utf8('1')]] })
    trie.putMany([
      [utf8('b'), utf8('2')],
      [utf8('a'), new Uint8Array()],
      [utf8('b'), utf8('3')],
    ])
    expect(trie.size).toBe(1)
    expect(hex(trie.root())).toBe(hex(trieRoot([[utf8('b'), utf8('3')]])))
  })
})

describe.skipIf(!tests)('createStateTrie: ethereum/tests TrieTests (writes in fixture order)', () => {
  for (const test of tests ? trieFixtureCases(tests) : []) {
    it(`behavior: ${test.file} ${test.name}`, () => {
      const trie = createStateTrie()
      const model = new Model()
      for (const [i, [rawKey, v]] of test.writes.entries()) {
        const key = test.secure ? keccak256(rawKey) : rawKey
        // A null value is a delete: exercise both spellings of it.
        if (v === null) {
          if (i % 2) trie.delete(key)
          else trie.put(key, new Uint8Array())
        } else {
          trie.put(key, v)
        }
        model.put(key, v ?? new Uint8Array())
        expect(hex(trie.root()), `after write ${i}`).toBe(model.root())
      }
      expect(hex(trie.root())).toBe(test.root)
      expect(hex(createStateTrie({ entries: model.map.values() }).root())).toBe(test.root)
    })
  }
})

// The account trie of a world state: keccak(address) -> rlp([nonce, balance, storageRoot, codeHash]),
// each storage trie keccak(slot as 32 bytes) -> rlp(value), zero slots absent.
function accountEntries(state: Record<string, Account>): [Uint8Array, Uint8Array][] {
  return Object.entries(state).map(([address, account]) => {
    const storage = createStateTrie()
    for (const [slot, slotValue] of Object.entries(account.storage)) {
      const v = BigInt(slotValue)
      if (v === 0n) continue
      storage.put(keccak256(setLengthLeft(bigIntToBytes(BigInt(slot)), 32)), RLP.encode(bigIntToUnpaddedBytes(v)))
    }
    const encoded = RLP.encode([
      bigIntToUnpaddedBytes(BigInt(account.nonce)),
      bigIntToUnpaddedBytes(BigInt(account.balance)),
      storage.root(),
      keccak256(hexToBytes(account.code)),
    ])
    return [keccak256(hexToBytes(address as PrefixedHexString)), encoded]
  })
}

describe.skipIf(!tests)('createStateTrie: ethereum/tests BlockchainTests state roots', () => {
  it('behavior: genesis and final state roots, built in bulk and by updating pre into post', () => {
    let checked = 0
    for (const file of tests ? tests.files('BlockchainTests') : []) {
      for (const [name, test] of Object.entries(tests!.read<Record<string, BlockchainTest>>(file))) {
        const pre = accountEntries(test.pre)
        const trie: StateTrie = createStateTrie({ entries: pre })
        expect(hex(trie.root()), `${file} ${name} genesis`).toBe(test.genesisBlockHeader.stateRoot)
        if (!test.postState) continue
        const finalRoot = test.blocks[test.blocks.length - 1].blockHeader!.stateRoot
        const post = accountEntries(test.postState)
        expect(hex(createStateTrie({ entries: post }).root()), `${file} ${name} post`).toBe(finalRoot)
        // Turn the pre-state trie into the post state: removed accounts, then changed or new ones.
        const postKeys = new Set(post.map(([key]) => bytesToHex(key)))
        for (const [key] of pre) if (!postKeys.has(bytesToHex(key))) trie.delete(key)
        for (const [key, v] of post) trie.put(key, v)
        expect(hex(trie.root()), `${file} ${name} pre -> post`).toBe(finalRoot)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(300)
  })
})
