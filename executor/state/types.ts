import type { Hex } from 'viem'

/** An account as the flat state stores it: storageRoot is the committed root of its storage trie. */
export type AccountState = {
  nonce: bigint
  balance: bigint
  codeHash: Uint8Array
  storageRoot: Uint8Array
}

/**
 * Read access to one committed state (the head, or a past block). Keys: addresses as lowercase
 * 0x-hex (20 bytes), slots as lowercase 0x-hex (32 bytes), code by its code hash (0x-hex).
 * Storage values come back without leading zeros (empty for zero), as ethereumjs expects.
 */
export type StateReader = {
  getAccount(address: Hex): AccountState | undefined
  getStorage(address: Hex, slot: Hex): Uint8Array
  getCode(codeHash: Hex): Uint8Array | undefined
}

/** The storage writes of one account in a block; `cleared` means all earlier storage is gone (self-destruct, re-creation). */
export type StorageDiff = { cleared: boolean; slots: Map<Hex, Uint8Array> }

/**
 * What a block changed: every touched account's final value (null = deleted), storage writes per
 * account, and new code by hash. Applying it to the parent state yields the post-state.
 */
export type StateDiff = {
  accounts: Map<Hex, AccountState | null>
  storage: Map<Hex, StorageDiff>
  code: Map<Hex, Uint8Array>
}

/** An empty diff. */
export function createStateDiff(): StateDiff {
  return { accounts: new Map(), storage: new Map(), code: new Map() }
}
