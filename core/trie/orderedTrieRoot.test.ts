import { RLP } from '@ethereumjs/rlp'
import { bytesToHex, hexToBytes, type PrefixedHexString } from '@ethereumjs/util'
import { describe, expect, it } from 'vitest'
import { EMPTY_TRIE_ROOT } from '../crypto/constants.ts'
import { orderedTrieRoot } from './orderedTrieRoot.ts'
import { loadEthereumTests } from './testing/loadEthereumTests.ts'
import { trieRoot } from './trieRoot.ts'

type BlockchainTest = {
  blocks: { rlp: PrefixedHexString; blockHeader?: Record<string, PrefixedHexString> }[]
}

const tests = loadEthereumTests()
const values = (count: number, size = 110) =>
  Array.from({ length: count }, (_, i) => Uint8Array.from({ length: size }, (_, j) => (i * 7 + j) & 0xff))
// The same trie built the general way: keys rlp(i) from @ethereumjs/rlp, in index order.
const viaTrieRoot = (items: Uint8Array[]) => trieRoot(items.map((item, i) => [RLP.encode(i), item] as const))

describe('orderedTrieRoot', () => {
  it('default', () => {
    const items = values(3)
    expect(orderedTrieRoot(items)).toEqual(viaTrieRoot(items))
  })

  it('behavior: no values give the empty root', () => {
    expect(orderedTrieRoot([])).toEqual(EMPTY_TRIE_ROOT)
  })

  it('behavior: matches trieRoot over rlp(index) keys around every key-length boundary', () => {
    // 127/128/129 cross the single-byte/0x81 keys; 256/257 the 0x82 keys; 10k a real block's worth.
    for (const count of [1, 2, 16, 17, 127, 128, 129, 255, 256, 257, 1000, 10_000]) {
      const items = values(count)
      expect(bytesToHex(orderedTrieRoot(items)), `count ${count}`).toBe(bytesToHex(viaTrieRoot(items)))
    }
  })

  it('behavior: matches trieRoot past 65,535 entries (3-byte keys)', () => {
    const items = values(65_540, 3)
    expect(orderedTrieRoot(items)).toEqual(viaTrieRoot(items))
  })

  it('behavior: short values produce inline nodes and still match', () => {
    for (const count of [1, 2, 3, 20, 200]) {
      const items = values(count, 1)
      expect(orderedTrieRoot(items), `count ${count}`).toEqual(viaTrieRoot(items))
    }
  })

  it('behavior: empty values are left out', () => {
    const items = values(5)
    const withHole = [...items]
    withHole[2] = new Uint8Array()
    const expected = trieRoot(items.map((item, i) => [RLP.encode(i), i === 2 ? new Uint8Array() : item] as const))
    expect(orderedTrieRoot(withHole)).toEqual(expected)
  })
})

describe.skipIf(!tests)('orderedTrieRoot: ethereum/tests BlockchainTests headers', () => {
  const files = tests ? tests.files('BlockchainTests') : []

  it('behavior: transactionsTrie and withdrawalsRoot of every block', () => {
    let checked = 0
    let withTransactions = 0
    for (const file of files) {
      for (const [name, test] of Object.entries(tests!.read<Record<string, BlockchainTest>>(file))) {
        for (const [index, block] of test.blocks.entries()) {
          if (!block.blockHeader) continue
          // A block is rlp([header, transactions, uncles, withdrawals?]). A legacy transaction is
          // itself a list (its trie value is that list's encoding); a typed one is a string holding
          // type || payload (the trie value is those bytes).
          const [, transactions, , withdrawals] = RLP.decode(hexToBytes(block.rlp)) as unknown as [
            unknown,
            (Uint8Array | Uint8Array[])[],
            unknown,
            Uint8Array[][] | undefined,
          ]
          const encoded = transactions.map((tx) => (tx instanceof Uint8Array ? tx : RLP.encode(tx)))
          const where = `${file} ${name} block ${index}`
          expect(bytesToHex(orderedTrieRoot(encoded)), where).toBe(block.blockHeader.transactionsTrie)
          if (withdrawals && block.blockHeader.withdrawalsRoot) {
            expect(bytesToHex(orderedTrieRoot(withdrawals.map((w) => RLP.encode(w)))), where).toBe(
              block.blockHeader.withdrawalsRoot,
            )
          }
          checked++
          if (transactions.length > 0) withTransactions++
        }
      }
    }
    expect(checked).toBeGreaterThan(700)
    expect(withTransactions).toBeGreaterThan(500)
  })
})
