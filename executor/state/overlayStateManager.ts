import type { AccountFields, StateManagerInterface } from '@ethereumjs/common'
import { Account, type Address, bytesToHex, KECCAK256_NULL, KECCAK256_RLP } from '@ethereumjs/util'
import type { Hex } from 'viem'
import { keccak256 } from '../../core/crypto/keccak256.ts'
import { BaseError } from '../../core/errors/base.ts'
import type { AccountState, StateDiff, StateReader, StorageDiff } from './types.ts'

/** Thrown when ethereumjs asks this state view for something it deliberately does not do (trie roots, proofs). */
export class StateViewUnsupportedError extends BaseError {
  override name = 'StateViewUnsupportedError' as const
  constructor({ method }: { method: string }) {
    super(`the execution state view does not implement ${method}`)
  }
}

type Undo =
  | { kind: 'account'; address: Hex; prev: AccountState | null | undefined }
  | { kind: 'slot'; address: Hex; slot: Hex; prev: Uint8Array | undefined; created: boolean }
  | { kind: 'storage'; address: Hex; prev: StorageDiff | undefined }
  | { kind: 'code'; hash: Hex }

const EMPTY = new Uint8Array(0)

/**
 * The state ethereumjs executes against: a committed `StateReader` underneath, the block's writes
 * in flat maps on top, and a journal of undo records for the EVM's checkpoint/commit/revert.
 * No trie is touched while transactions run; the diff is handed back whole at the end of the block
 * and the state root is computed from it once (see `createWorldState`).
 */
export class OverlayStateManager implements StateManagerInterface {
  private base: StateReader
  private accounts = new Map<Hex, AccountState | null>()
  private storage = new Map<Hex, StorageDiff>()
  private code = new Map<Hex, Uint8Array>()
  private journal: Undo[][] = []
  private original = new Map<string, Uint8Array>()
  /**
   * When set, every read that this view cannot answer from its own writes (so it reaches the
   * base) is recorded: account keys are the address, slot keys address+slot. The parallel executor
   * validates speculative results against these.
   */
  reads: Set<string> | undefined
  /** The fee recipient, whose accesses outside EVM execution (fee payment) are not reads. */
  coinbase: Hex | undefined
  /** Depth of EVM messages running; 0 = runTx bookkeeping (upfront cost, refunds, fee payment). */
  execDepth = 0
  /** Set when the coinbase was read or written while the EVM ran (a real dependency on it). */
  coinbaseTouched = false

  /** EIP-2200 needs each slot's value at the start of the transaction; runTx clears this per tx. */
  readonly originalStorageCache = {
    get: async (address: Address, key: Uint8Array): Promise<Uint8Array> => {
      const id = `${address.toString()}${bytesToHex(key).slice(2)}`
      let value = this.original.get(id)
      if (value === undefined) {
        value = this.readSlot(address.toString() as Hex, bytesToHex(key) as Hex)
        this.original.set(id, value)
      }
      return value
    },
    clear: (): void => {
      this.original.clear()
    },
  }

  constructor(base: StateReader) {
    this.base = base
  }

  /** Drops all block writes and executes on top of `base` from now on. */
  reset(base: StateReader): void {
    this.base = base
    this.accounts.clear()
    this.storage.clear()
    this.code.clear()
    this.journal = []
    this.original.clear()
  }

  /** The block's writes so far, as a diff (shares no mutable maps with this view). */
  takeDiff(): StateDiff {
    const diff: StateDiff = { accounts: this.accounts, storage: this.storage, code: this.code }
    this.accounts = new Map()
    this.storage = new Map()
    this.code = new Map()
    this.journal = []
    return diff
  }

  /** Reads an account as the EVM would (recorded like any read); for the transfer fast path. */
  peekAccount(address: Hex): AccountState | undefined {
    return this.readAccount(address)
  }

  /** Writes an account (null deletes it, with its storage); for the transfer fast path. */
  setAccount(address: Hex, value: AccountState | null): void {
    if (value === null) {
      this.writeAccount(address, null)
      this.record({ kind: 'storage', address, prev: this.storage.get(address) })
      this.storage.set(address, { cleared: true, slots: new Map() })
    } else this.writeAccount(address, value)
  }

  private readAccount(address: Hex): AccountState | undefined {
    if (address === this.coinbase && this.execDepth > 0) this.coinbaseTouched = true
    const local = this.accounts.get(address)
    if (local !== undefined) return local ?? undefined
    if (this.reads && address !== this.coinbase) this.reads.add(address)
    return this.base.getAccount(address)
  }

  private readSlot(address: Hex, slot: Hex): Uint8Array {
    const diff = this.storage.get(address)
    if (diff) {
      const v = diff.slots.get(slot)
      if (v !== undefined) return v
      if (diff.cleared) return EMPTY
    }
    if (this.accounts.get(address) === null) return EMPTY
    if (this.reads) this.reads.add(address + slot.slice(2))
    return this.base.getStorage(address, slot)
  }

  private record(undo: Undo): void {
    const frame = this.journal[this.journal.length - 1]
    if (frame) frame.push(undo)
  }

  private writeAccount(address: Hex, value: AccountState | null): void {
    if (address === this.coinbase && this.execDepth > 0) this.coinbaseTouched = true
    this.record({ kind: 'account', address, prev: this.accounts.get(address) })
    this.accounts.set(address, value)
  }

  async getAccount(address: Address): Promise<Account | undefined> {
    const a = this.readAccount(address.toString() as Hex)
    if (!a) return undefined
    return new Account(a.nonce, a.balance, a.storageRoot, a.codeHash)
  }

  async putAccount(address: Address, account?: Account): Promise<void> {
    if (account === undefined) return this.deleteAccount(address)
    const key = address.toString() as Hex
    const prev = this.readAccount(key)
    this.writeAccount(key, {
      nonce: account.nonce,
      balance: account.balance,
      codeHash: account.codeHash,
      storageRoot: prev?.storageRoot ?? KECCAK256_RLP,
    })
  }

  async deleteAccount(address: Address): Promise<void> {
    const key = address.toString() as Hex
    this.writeAccount(key, null)
    this.record({ kind: 'storage', address: key, prev: this.storage.get(key) })
    this.storage.set(key, { cleared: true, slots: new Map() })
  }

  async modifyAccountFields(address: Address, fields: AccountFields): Promise<void> {
    const key = address.toString() as Hex
    const prev = this.readAccount(key)
    this.writeAccount(key, {
      nonce: fields.nonce ?? prev?.nonce ?? 0n,
      balance: fields.balance ?? prev?.balance ?? 0n,
      codeHash: fields.codeHash ?? prev?.codeHash ?? KECCAK256_NULL,
      storageRoot: fields.storageRoot ?? prev?.storageRoot ?? KECCAK256_RLP,
    })
  }

  async putCode(address: Address, value: Uint8Array): Promise<void> {
    const hash = keccak256(value)
    const hashHex = bytesToHex(hash) as Hex
    if (!this.code.has(hashHex) && !this.base.getCode(hashHex)) {
      this.record({ kind: 'code', hash: hashHex })
      this.code.set(hashHex, value)
    }
    await this.modifyAccountFields(address, { codeHash: hash })
  }

  async getCode(address: Address): Promise<Uint8Array> {
    const a = this.readAccount(address.toString() as Hex)
    if (!a) return EMPTY
    const hash = bytesToHex(a.codeHash) as Hex
    if (hash === KECCAK_NULL_HEX) return EMPTY
    return this.code.get(hash) ?? this.base.getCode(hash) ?? EMPTY
  }

  async getCodeSize(address: Address): Promise<number> {
    return (await this.getCode(address)).length
  }

  async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    return this.readSlot(address.toString() as Hex, bytesToHex(key) as Hex)
  }

  async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    const addr = address.toString() as Hex
    const slot = bytesToHex(key) as Hex
    let diff = this.storage.get(addr)
    let created = false
    if (!diff) {
      diff = { cleared: false, slots: new Map() }
      this.storage.set(addr, diff)
      created = true
    }
    this.record({ kind: 'slot', address: addr, slot, prev: diff.slots.get(slot), created })
    diff.slots.set(slot, stripZeros(value))
  }

  async clearStorage(address: Address): Promise<void> {
    const key = address.toString() as Hex
    this.record({ kind: 'storage', address: key, prev: this.storage.get(key) })
    this.storage.set(key, { cleared: true, slots: new Map() })
  }

  async checkpoint(): Promise<void> {
    this.journal.push([])
  }

  async commit(): Promise<void> {
    const frame = this.journal.pop()
    const parent = this.journal[this.journal.length - 1]
    if (frame && parent) for (const u of frame) parent.push(u)
  }

  async revert(): Promise<void> {
    const frame = this.journal.pop()
    if (!frame) return
    for (let i = frame.length - 1; i >= 0; i--) {
      const u = frame[i]
      switch (u.kind) {
        case 'account':
          if (u.prev === undefined) this.accounts.delete(u.address)
          else this.accounts.set(u.address, u.prev)
          break
        case 'slot': {
          const diff = this.storage.get(u.address)
          if (!diff) break
          if (u.created) this.storage.delete(u.address)
          else if (u.prev === undefined) diff.slots.delete(u.slot)
          else diff.slots.set(u.slot, u.prev)
          break
        }
        case 'storage':
          if (u.prev === undefined) this.storage.delete(u.address)
          else this.storage.set(u.address, u.prev)
          break
        case 'code':
          this.code.delete(u.hash)
          break
      }
    }
  }

  async getStateRoot(): Promise<Uint8Array> {
    throw new StateViewUnsupportedError({ method: 'getStateRoot' })
  }
  async setStateRoot(): Promise<void> {
    throw new StateViewUnsupportedError({ method: 'setStateRoot' })
  }
  async hasStateRoot(): Promise<boolean> {
    throw new StateViewUnsupportedError({ method: 'hasStateRoot' })
  }
  clearCaches(): void {}
  shallowCopy(): StateManagerInterface {
    return new OverlayStateManager(this.base)
  }
}

const KECCAK_NULL_HEX = bytesToHex(KECCAK256_NULL) as Hex

function stripZeros(value: Uint8Array): Uint8Array {
  let i = 0
  while (i < value.length && value[i] === 0) i++
  return i === 0 ? value : value.subarray(i)
}
