import { hexToBytes, utf8ToBytes } from '@ethereumjs/util'
import type { EthereumTests } from './loadEthereumTests.ts'

/** One root test from `TrieTests/`: writes in fixture order (`null` = delete) and the expected root. */
export type TrieFixtureCase = {
  file: string
  name: string
  /** Keys are to be hashed with keccak256 before use (the `*secure*` files). */
  secure: boolean
  writes: [key: Uint8Array, value: Uint8Array | null][]
  root: string
}

// The files with a root per case; trietestnextprev.json tests iteration, which these tries lack.
const FILES = [
  'TrieTests/trietest.json',
  'TrieTests/trietest_secureTrie.json',
  'TrieTests/trieanyorder.json',
  'TrieTests/trieanyorder_secureTrie.json',
  'TrieTests/hex_encoded_securetrie_test.json',
]

/**
 * Every root case of `TrieTests/`. As in the fixtures' own runners, a `0x`-prefixed string is hex
 * and any other string its UTF-8 bytes; `in` is either a list of [key, value] writes applied in
 * order or (the "anyorder" files) an object of key -> value.
 */
export function trieFixtureCases(tests: EthereumTests): TrieFixtureCase[] {
  const cases: TrieFixtureCase[] = []
  for (const file of FILES) {
    const suite = tests.read<Record<string, { in: unknown; root: string }>>(file)
    for (const [name, test] of Object.entries(suite)) {
      const pairs = (Array.isArray(test.in) ? test.in : Object.entries(test.in as object)) as [string, string | null][]
      cases.push({
        file,
        name,
        secure: file.includes('secure'),
        writes: pairs.map(([key, value]) => [toBytes(key), value === null ? null : toBytes(value)]),
        root: test.root,
      })
    }
  }
  return cases
}

function toBytes(text: string): Uint8Array {
  return text.startsWith('0x') ? hexToBytes(text as `0x${string}`) : utf8ToBytes(text)
}
