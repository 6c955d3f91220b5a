import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Hex } from 'viem'

/** One account of a fixture's `pre` / `postState` (all quantities 0x-hex, storage keyed by unpadded hex slot). */
export type FixtureAccount = {
  balance: Hex
  nonce: Hex
  code: Hex
  storage: Record<string, Hex>
}

/** The header fields a block's JSON carries (only those the harness reads are typed). */
export type FixtureHeader = {
  hash: Hex
  number: Hex
  stateRoot: Hex
  transactionsTrie: Hex
  receiptTrie: Hex
  bloom: Hex
  gasUsed: Hex
  withdrawalsRoot?: Hex
  [field: string]: string | undefined
}

/** One entry of a test's `blocks`: a valid block (with its expected header) or an invalid one (`expectException`). */
export type FixtureBlock = {
  rlp: Hex
  blockHeader?: FixtureHeader
  blocknumber?: string
  chainname?: string
  expectException?: string
  transactions?: unknown[]
  withdrawals?: unknown[]
  uncleHeaders?: unknown[]
}

/** A test of the `ethereum/tests` BlockchainTests format. */
export type BlockchainTest = {
  network: string
  genesisBlockHeader: FixtureHeader
  genesisRLP: Hex
  pre: Record<string, FixtureAccount>
  blocks: FixtureBlock[]
  postState?: Record<string, FixtureAccount>
  postStateHash?: Hex
  lastblockhash: Hex
  sealEngine?: string
}

/** Every `.json` file under `dir`, recursively, in a stable (sorted) order. */
export function findFixtureFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name.endsWith('.json')) out.push(p)
    }
  }
  if (statSync(dir).isDirectory()) walk(dir)
  else out.push(dir)
  return out
}

/** The named tests of one fixture file (entries that are not blockchain tests are left out). */
export function loadFixtureFile(file: string): [string, BlockchainTest][] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  return Object.entries(json).filter((e): e is [string, BlockchainTest] => isBlockchainTest(e[1]))
}

function isBlockchainTest(v: unknown): v is BlockchainTest {
  if (typeof v !== 'object' || v === null) return false
  const t = v as Record<string, unknown>
  return typeof t.network === 'string' && Array.isArray(t.blocks) && typeof t.pre === 'object'
}
