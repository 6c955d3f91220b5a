import { MerklePatriciaTrie } from '@ethereumjs/mpt'
import { bytesToHex } from '@ethereumjs/util'
import { describe, expect, it } from 'vitest'
import { EMPTY_TRIE_ROOT } from '../crypto/constants.ts'
import { keccak256 } from '../crypto/keccak256.ts'
import { loadEthereumTests } from './testing/loadEthereumTests.ts'
import { trieFixtureCases } from './testing/trieFixtureCases.ts'
import { trieRoot } from './trieRoot.ts'

const utf8 = (text: string) => new TextEncoder().encode(text)
const tests = loadEthereumTests()

describe('trieRoot', () => {
  it('default', () => {
    // TrieTests/trieanyorder.json "dogs", inlined so this runs without the fixtures too.
    const root = trieRoot([
      [utf8('doe'), utf8('reindeer')],
      [utf8('dog'), utf8('puppy')],
      [utf8('dogglesworth'), utf8('cat')],
    ])
    expect(bytesToHex(root)).toBe('0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3')
  })

  it('behavior: no entries give the empty root', () => {
    expect(trieRoot([])).toEqual(EMPTY_TRIE_ROOT)
  })

  it('behavior: independent of entry order', () => {
    const entries = Array.from(
      { length: 500 },
      (_, i) => [keccak256(Uint8Array.of(i >> 8, i)), Uint8Array.of(i)] as const,
    )
    const shuffled = [...entries].sort(() => Math.random() - 0.5)
    expect(trieRoot(shuffled)).toEqual(trieRoot(entries))
    expect(trieRoot(new Map(shuffled))).toEqual(trieRoot(entries))
  })

  it('behavior: later entries override earlier ones; an empty value means absent', () => {
    const a = utf8('a')
    const b = utf8('b')
    expect(
      trieRoot([
        [a, utf8('1')],
        [b, utf8('2')],
        [a, utf8('3')],
        [b, new Uint8Array()],
      ]),
    ).toEqual(trieRoot([[a, utf8('3')]]))
  })

  it('behavior: matches @ethereumjs/mpt on random key sets (prefix keys, inline nodes, 32-byte keys)', async () => {
    for (let round = 0; round < 33; round++) {
      const reference = new MerklePatriciaTrie()
      const entries: [Uint8Array, Uint8Array][] = []
      const count = 1 + Math.floor(Math.random() * (round < 30 ? 40 : 1000))
      for (let i = 0; i < count; i++) {
        const key =
          round < 30
            ? Uint8Array.from({ length: 1 + Math.floor(Math.random() * 4) }, () => Math.floor(Math.random() * 4) * 17)
            : crypto.getRandomValues(new Uint8Array(32))
        const value = crypto.getRandomValues(new Uint8Array(1 + Math.floor(Math.random() * (i % 2 ? 3 : 80))))
        entries.push([key, value])
        await reference.put(key, value)
      }
      expect(bytesToHex(trieRoot(entries)), `round ${round}`).toBe(bytesToHex(reference.root()))
    }
  })
})

describe.skipIf(!tests)('trieRoot: ethereum/tests TrieTests (final key set)', () => {
  for (const test of tests ? trieFixtureCases(tests) : []) {
    it(`behavior: ${test.file} ${test.name}`, () => {
      // The final state of the writes, built in one go: what trieRoot sees when rebuilding from flat state.
      const finalState = new Map<string, [Uint8Array, Uint8Array]>()
      for (const [key, value] of test.writes) {
        const k = test.secure ? keccak256(key) : key
        if (value === null || value.length === 0) finalState.delete(bytesToHex(k))
        else finalState.set(bytesToHex(k), [k, value])
      }
      expect(bytesToHex(trieRoot(finalState.values()))).toBe(test.root)
    })
  }
})
