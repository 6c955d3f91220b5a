import { bigIntToUnpaddedBytes, bytesToHex, hexToBytes, KECCAK256_NULL } from '@ethereumjs/util'
import type { Hex } from 'viem'
import { keccak256 } from '../../core/crypto/keccak256.ts'
import { createWorldState, type WorldState } from '../state/worldState.ts'
import type { FixtureAccount } from './fixture.ts'

/** A fixture account in the form our state keys it: lowercase padded hex keys, values without leading zeros. */
export type NormalizedAccount = {
  nonce: bigint
  balance: bigint
  code: Uint8Array
  /** Slot (0x + 64 lowercase hex) -> value without leading zeros; zero values left out. */
  storage: Map<Hex, Uint8Array>
}

/** `0x…` hex of any length (odd lengths allowed) to bytes. */
export function hexToBytesLoose(hex: string): Uint8Array {
  const body = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex
  return hexToBytes(`0x${body.length % 2 === 1 ? `0${body}` : body}`)
}

/** A storage slot as our state keys it: lowercase 0x-hex padded to 32 bytes. */
export function toSlotKey(slot: string): Hex {
  return `0x${BigInt(slot).toString(16).padStart(64, '0')}`
}

/** Normalizes a fixture's `pre` or `postState` (addresses lowercased, slots padded, zero slots dropped). */
export function normalizeAccounts(accounts: Record<string, FixtureAccount>): Map<Hex, NormalizedAccount> {
  const out = new Map<Hex, NormalizedAccount>()
  for (const [address, a] of Object.entries(accounts)) {
    const storage = new Map<Hex, Uint8Array>()
    for (const [slot, value] of Object.entries(a.storage ?? {})) {
      const v = bigIntToUnpaddedBytes(BigInt(value))
      if (v.length > 0) storage.set(toSlotKey(slot), v)
    }
    out.set(address.toLowerCase() as Hex, {
      nonce: BigInt(a.nonce),
      balance: BigInt(a.balance),
      code: hexToBytesLoose(a.code ?? '0x'),
      storage,
    })
  }
  return out
}

/** Builds our world state from a fixture's `pre` allocation. */
export function worldFromFixture(pre: Record<string, FixtureAccount>): WorldState {
  const accounts: [Hex, { nonce: bigint; balance: bigint; codeHash: Uint8Array }][] = []
  const storage: [Hex, Hex, Uint8Array][] = []
  const code: [Hex, Uint8Array][] = []
  for (const [address, a] of normalizeAccounts(pre)) {
    const codeHash = a.code.length > 0 ? keccak256(a.code) : KECCAK256_NULL
    if (a.code.length > 0) code.push([bytesToHex(codeHash) as Hex, a.code])
    accounts.push([address, { nonce: a.nonce, balance: a.balance, codeHash }])
    for (const [slot, value] of a.storage) storage.push([address, slot, value])
  }
  return createWorldState({ accounts, storage, code })
}

/** An independent copy of `world` (used to drop a block that must be rejected, whatever it did to the state). */
export function cloneWorld(world: WorldState): WorldState {
  const accounts: [Hex, { nonce: bigint; balance: bigint; codeHash: Uint8Array }][] = []
  const storage: [Hex, Hex, Uint8Array][] = []
  const code: [Hex, Uint8Array][] = []
  for (const [address, a] of world.accounts()) {
    accounts.push([address, { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash }])
    const hash = bytesToHex(a.codeHash) as Hex
    const bytes = world.getCode(hash)
    if (bytes) code.push([hash, bytes])
    for (const [slot, value] of world.storageOf(address) ?? []) storage.push([address, slot, value])
  }
  return createWorldState({ accounts, storage, code })
}
