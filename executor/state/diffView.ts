import type { Hex } from 'viem'
import { type AccountState, createStateDiff, type StateDiff, type StateReader } from './types.ts'

const EMPTY = new Uint8Array(0)

/** A state reader that layers an accumulating diff over a base, plus `apply` to fold in one tx's diff. */
export type DiffView = StateReader & {
  readonly diff: StateDiff
  /** Folds a later diff in (its values win; a cleared storage replaces the earlier one). */
  apply(next: StateDiff): void
}

/** Creates a view of `base` with `initial` (not copied) applied on top. */
export function createDiffView(base: StateReader, initial: StateDiff = createStateDiff()): DiffView {
  const diff = initial
  return {
    diff,
    getAccount(address) {
      if (diff.accounts.has(address)) return diff.accounts.get(address) ?? undefined
      return base.getAccount(address)
    },
    getStorage(address, slot) {
      const s = diff.storage.get(address)
      if (s) {
        const v = s.slots.get(slot)
        if (v !== undefined) return v
        if (s.cleared) return EMPTY
      }
      if (diff.accounts.get(address) === null) return EMPTY
      return base.getStorage(address, slot)
    },
    getCode(hash) {
      return diff.code.get(hash) ?? base.getCode(hash)
    },
    apply(next) {
      applyInto(diff, next)
    },
  }
}

/** Folds `next` into `into` in place. */
export function applyInto(into: StateDiff, next: StateDiff): void {
  for (const [h, c] of next.code) into.code.set(h, c)
  for (const [address, s] of next.storage) {
    const cur = into.storage.get(address)
    if (!cur || s.cleared)
      into.storage.set(address, { cleared: s.cleared || (cur?.cleared ?? false), slots: new Map(s.slots) })
    else for (const [slot, v] of s.slots) cur.slots.set(slot, v)
  }
  for (const [address, a] of next.accounts) into.accounts.set(address, a)
}

/** A plain in-memory state without tries: what each worker keeps as its replica of the head. */
export type FlatState = StateReader & { applyDiff(diff: StateDiff): void }

/** Creates a flat state from a snapshot. */
export function createFlatState(snapshot: {
  accounts: [Hex, AccountState][]
  storage: [Hex, Hex, Uint8Array][]
  code: [Hex, Uint8Array][]
}): FlatState {
  const accounts = new Map<Hex, AccountState>(snapshot.accounts)
  const storage = new Map<Hex, Map<Hex, Uint8Array>>()
  const code = new Map<Hex, Uint8Array>(snapshot.code)
  for (const [a, s, v] of snapshot.storage) {
    let m = storage.get(a)
    if (!m) storage.set(a, (m = new Map()))
    m.set(s, v)
  }
  return {
    getAccount: (a) => accounts.get(a),
    getStorage: (a, s) => storage.get(a)?.get(s) ?? EMPTY,
    getCode: (h) => code.get(h),
    applyDiff(d) {
      for (const [h, c] of d.code) code.set(h, c)
      for (const [a, s] of d.storage) {
        let m = storage.get(a)
        if (s.cleared || !m) storage.set(a, (m = new Map()))
        for (const [slot, v] of s.slots) {
          if (v.length === 0) m.delete(slot)
          else m.set(slot, v)
        }
      }
      for (const [a, acct] of d.accounts) {
        if (acct === null) {
          accounts.delete(a)
          storage.delete(a)
        } else accounts.set(a, acct)
      }
    },
  }
}

/**
 * Removes writes that leave a value as `base` has it (the EVM re-writes an account it only touched,
 * e.g. a call with zero value, and SSTOREs can store the same value). Such writes change nothing,
 * and keeping them would make every caller of a contract look like it conflicts with every other.
 */
export function pruneNoopWrites(diff: StateDiff, base: StateReader): void {
  for (const [address, a] of diff.accounts) {
    if (a === null) continue
    const b = base.getAccount(address)
    if (b && b.nonce === a.nonce && b.balance === a.balance && equalBytes(b.codeHash, a.codeHash))
      diff.accounts.delete(address)
  }
  for (const [address, s] of diff.storage) {
    if (s.cleared) continue
    for (const [slot, v] of s.slots) if (equalBytes(base.getStorage(address, slot), v)) s.slots.delete(slot)
    if (s.slots.size === 0) diff.storage.delete(address)
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
