import { RLP } from '@ethereumjs/rlp'
import { bytesToHex, hexToBytes, KECCAK256_NULL, KECCAK256_RLP } from '@ethereumjs/util'
import type { Hex } from 'viem'
import { rlpHeaderLength } from '../../core/batch/rlpLength.ts'
import { keccak256 } from '../../core/crypto/keccak256.ts'
import { stringLength, uintBytes, writeListHeader, writeString } from '../../core/rlp/writeRlp.ts'
import { hexBuffer } from '../../core/storage/hexBuffer.ts'
import { createStateTrie, type StateTrie } from '../../core/trie/createStateTrie.ts'
import type { AccountState, StateDiff, StateReader } from './types.ts'

/** Parameters for {@link createWorldState}: the committed flat state to start from. */
export type CreateWorldStateParameters = {
  accounts?: Iterable<readonly [Hex, Omit<AccountState, 'storageRoot'>]>
  storage?: Iterable<readonly [Hex, Hex, Uint8Array]>
  code?: Iterable<readonly [Hex, Uint8Array]>
}

/** The head state: flat maps for reads, plus the account and storage tries kept only for roots. */
export type WorldState = StateReader & {
  /** Applies a block's diff and returns the new state root; sets each touched account's storageRoot in the diff. */
  applyDiff(diff: StateDiff): Uint8Array
  stateRoot(): Uint8Array
  /** Every account (for dumps and tests). */
  accounts(): IterableIterator<[Hex, AccountState]>
  /** Every storage slot of an account. */
  storageOf(address: Hex): ReadonlyMap<Hex, Uint8Array> | undefined
  /** The whole flat state, for seeding worker replicas. */
  snapshot(): { accounts: [Hex, AccountState][]; storage: [Hex, Hex, Uint8Array][]; code: [Hex, Uint8Array][] }
}

const EMPTY = new Uint8Array(0)

// A diff's keys are hashed from their hex with Node's decoder (core/storage/hexBuffer.ts), which does not validate:
// they are hex this node wrote itself (the executor's overlay and system calls, genesis, deposits), never request
// input. ethereumjs's validating hexToBytes was a fifth of applyDiff's time for a 10k ERC-20 block (41 + 9 ms of
// 246, CPU profile).

/**
 * Builds the in-memory head state and its Merkle-Patricia tries from flat state. The tries exist
 * only to produce roots: reads go to the flat maps, and each block's root costs one pass over the
 * nodes its diff dirtied.
 */
export function createWorldState({
  accounts = [],
  storage = [],
  code = [],
}: CreateWorldStateParameters = {}): WorldState {
  const accountMap = new Map<Hex, AccountState>()
  const storageMap = new Map<Hex, Map<Hex, Uint8Array>>()
  const codeMap = new Map<Hex, Uint8Array>()
  const storageTries = new Map<Hex, StateTrie>()
  const accountTrie = createStateTrie()

  for (const [hash, bytes] of code) codeMap.set(hash, bytes)
  for (const [address, slot, value] of storage) {
    if (value.length === 0) continue
    let slots = storageMap.get(address)
    if (!slots) storageMap.set(address, (slots = new Map()))
    slots.set(slot, value)
  }
  for (const [address, slots] of storageMap) {
    const trie = createStateTrie()
    for (const [slot, value] of slots) trie.put(keccak256(hexToBytes(slot)), RLP.encode(value))
    storageTries.set(address, trie)
  }
  for (const [address, a] of accounts) {
    const storageRoot = storageTries.get(address)?.root() ?? KECCAK256_RLP
    const account = { ...a, storageRoot }
    accountMap.set(address, account)
    accountTrie.put(keccak256(hexToBytes(address)), encodeAccount(account))
  }

  return {
    getAccount: (address) => accountMap.get(address),
    getStorage: (address, slot) => storageMap.get(address)?.get(slot) ?? EMPTY,
    getCode: (hash) => codeMap.get(hash),
    stateRoot: () => accountTrie.root(),
    accounts: () => accountMap.entries(),
    storageOf: (address) => storageMap.get(address),
    snapshot() {
      const storage: [Hex, Hex, Uint8Array][] = []
      for (const [a, slots] of storageMap) for (const [s, v] of slots) storage.push([a, s, v])
      return { accounts: [...accountMap.entries()], storage, code: [...codeMap.entries()] }
    },
    applyDiff(diff) {
      for (const [hash, bytes] of diff.code) codeMap.set(hash, bytes)
      for (const [address, sdiff] of diff.storage) {
        let slots = storageMap.get(address)
        let trie = storageTries.get(address)
        if (sdiff.cleared || !slots || !trie) {
          if (sdiff.cleared || !slots) slots = new Map()
          if (sdiff.cleared || !trie) trie = createStateTrie()
          storageMap.set(address, slots)
          storageTries.set(address, trie)
        }
        for (const [slot, value] of sdiff.slots) {
          const key = keccak256(hexBuffer(slot))
          if (value.length === 0) {
            slots.delete(slot)
            trie.delete(key)
          } else {
            slots.set(slot, value)
            trie.put(key, RLP.encode(value))
          }
        }
      }
      const touched = new Set<Hex>([...diff.accounts.keys(), ...diff.storage.keys()])
      for (const address of touched) {
        const next = diff.accounts.has(address) ? diff.accounts.get(address) : accountMap.get(address)
        const key = keccak256(hexBuffer(address))
        if (!next) {
          accountMap.delete(address)
          storageMap.delete(address)
          storageTries.delete(address)
          accountTrie.delete(key)
          continue
        }
        const trie = storageTries.get(address)
        if (trie && trie.size === 0) {
          storageTries.delete(address)
          storageMap.delete(address)
        }
        next.storageRoot = trie && trie.size > 0 ? trie.root() : KECCAK256_RLP
        accountMap.set(address, next)
        accountTrie.put(key, encodeAccount(next))
      }
      return accountTrie.root()
    },
  }
}

/**
 * The RLP of an account leaf: [nonce, balance, storageRoot, codeHash], written into one buffer sized first.
 * ethereumjs's `RLP.encode` over `bigIntToUnpaddedBytes` (hex strings both ways, each pair validated) took ~2 µs
 * an account, this ~1 µs: 39-45 against 19-22 ms for a 10k-transfer block's 20k accounts (scratch benchmark).
 * Compared with it in worldState.test.ts.
 */
export function encodeAccount(a: AccountState): Uint8Array {
  const nonce = uintBytes(a.nonce)
  const balance = uintBytes(a.balance)
  const payload =
    stringLength(nonce.length, nonce[0]) +
    stringLength(balance.length, balance[0]) +
    stringLength(a.storageRoot.length, a.storageRoot[0]) +
    stringLength(a.codeHash.length, a.codeHash[0])
  const out = new Uint8Array(rlpHeaderLength(payload) + payload)
  let pos = writeListHeader(out, 0, payload)
  pos = writeString(out, pos, nonce)
  pos = writeString(out, pos, balance)
  pos = writeString(out, pos, a.storageRoot)
  writeString(out, pos, a.codeHash)
  return out
}

/** keccak256 of empty code, as 0x-hex. */
export const EMPTY_CODE_HASH = bytesToHex(KECCAK256_NULL) as Hex
