import { bytesToHex, hexToBytes, KECCAK256_RLP } from '@ethereumjs/util'
import type Database from 'better-sqlite3'
import type { Hex } from 'viem'
import type { AccountState, StateDiff, StateReader } from '../../executor/state/types.ts'
import { hexBuffer } from './hexBuffer.ts'

/** Flat state in SQLite: the head tables a restart loads, and per-block history for past-block queries. */
export type StateStore = {
  /** Every account, storage slot and code blob of the head state. */
  loadHead(): {
    accounts: [Hex, Omit<AccountState, 'storageRoot'>][]
    storage: [Hex, Hex, Uint8Array][]
    code: [Hex, Uint8Array][]
  }
  /** Writes one block's diff (its keys are the executor's own hex) to the head tables and the history (call inside the block's transaction). */
  writeDiff(block: bigint, diff: StateDiff): void
  /** A reader of the state as it was after `block` (must be within the kept history). */
  readerAt(block: bigint): StateReader
  /** Drops history rows no query at or after `keepFrom` can need. */
  pruneHistory(keepFrom: bigint): void
}

const EMPTY = new Uint8Array(0)

/** Creates the state store over an open database. */
export function createStateStore(db: Database.Database): StateStore {
  const q = {
    allAccounts: db.prepare('SELECT address, nonce, balance, code_hash FROM state_accounts'),
    allStorage: db.prepare('SELECT address, slot, value FROM state_storage'),
    allCode: db.prepare('SELECT hash, code FROM code'),
    putAccount: db.prepare(
      'INSERT OR REPLACE INTO state_accounts (address, nonce, balance, code_hash) VALUES (?, ?, ?, ?)',
    ),
    delAccount: db.prepare('DELETE FROM state_accounts WHERE address = ?'),
    clearStorage: db.prepare('DELETE FROM state_storage WHERE address = ?'),
    putSlot: db.prepare('INSERT OR REPLACE INTO state_storage (address, slot, value) VALUES (?, ?, ?)'),
    delSlot: db.prepare('DELETE FROM state_storage WHERE address = ? AND slot = ?'),
    putCode: db.prepare('INSERT OR IGNORE INTO code (hash, code) VALUES (?, ?)'),
    histAccount: db.prepare(
      'INSERT OR REPLACE INTO account_history (address, block, nonce, balance, code_hash) VALUES (?, ?, ?, ?, ?)',
    ),
    histSlot: db.prepare('INSERT OR REPLACE INTO storage_history (address, slot, block, value) VALUES (?, ?, ?, ?)'),
    histClear: db.prepare('INSERT OR REPLACE INTO storage_clears (address, block) VALUES (?, ?)'),
    accountAt: db.prepare(
      'SELECT nonce, balance, code_hash FROM account_history WHERE address = ? AND block <= ? ORDER BY block DESC LIMIT 1',
    ),
    slotAt: db.prepare(
      'SELECT value, block FROM storage_history WHERE address = ? AND slot = ? AND block <= ? ORDER BY block DESC LIMIT 1',
    ),
    clearAt: db.prepare('SELECT MAX(block) AS block FROM storage_clears WHERE address = ? AND block <= ?'),
    codeByHash: db.prepare('SELECT code FROM code WHERE hash = ?'),
    pruneAccounts: db.prepare(
      `DELETE FROM account_history WHERE block < @keep AND EXISTS (
         SELECT 1 FROM account_history h WHERE h.address = account_history.address AND h.block > account_history.block AND h.block <= @keep)`,
    ),
    pruneSlots: db.prepare(
      `DELETE FROM storage_history WHERE block < @keep AND EXISTS (
         SELECT 1 FROM storage_history h WHERE h.address = storage_history.address AND h.slot = storage_history.slot
           AND h.block > storage_history.block AND h.block <= @keep)`,
    ),
  }

  return {
    loadHead() {
      const accounts = (
        q.allAccounts.all() as { address: Buffer; nonce: string; balance: string; code_hash: Buffer }[]
      ).map(
        (r) =>
          [
            bytesToHex(r.address) as Hex,
            { nonce: BigInt(r.nonce), balance: BigInt(r.balance), codeHash: new Uint8Array(r.code_hash) },
          ] as [Hex, Omit<AccountState, 'storageRoot'>],
      )
      const storage = (q.allStorage.all() as { address: Buffer; slot: Buffer; value: Buffer }[]).map(
        (r) =>
          [bytesToHex(r.address) as Hex, bytesToHex(r.slot) as Hex, new Uint8Array(r.value)] as [Hex, Hex, Uint8Array],
      )
      const code = (q.allCode.all() as { hash: Buffer; code: Buffer }[]).map(
        (r) => [bytesToHex(r.hash) as Hex, new Uint8Array(r.code)] as [Hex, Uint8Array],
      )
      return { accounts, storage, code }
    },
    writeDiff(block, diff) {
      const n = Number(block)
      for (const [hash, code] of diff.code) q.putCode.run(hexBuffer(hash), code)
      for (const [address, sdiff] of diff.storage) {
        const a = hexBuffer(address)
        if (sdiff.cleared) {
          q.clearStorage.run(a)
          q.histClear.run(a, n)
        }
        for (const [slot, value] of sdiff.slots) {
          const s = hexBuffer(slot)
          if (value.length === 0) q.delSlot.run(a, s)
          else q.putSlot.run(a, s, value)
          q.histSlot.run(a, s, n, value)
        }
      }
      for (const [address, account] of diff.accounts) {
        const a = hexBuffer(address)
        if (account === null) {
          q.delAccount.run(a)
          q.clearStorage.run(a)
          q.histAccount.run(a, n, null, null, null)
          q.histClear.run(a, n)
        } else {
          q.putAccount.run(a, account.nonce.toString(), account.balance.toString(), account.codeHash)
          q.histAccount.run(a, n, account.nonce.toString(), account.balance.toString(), account.codeHash)
        }
      }
    },
    readerAt(block) {
      const n = Number(block)
      return {
        getAccount(address) {
          const r = q.accountAt.get(hexToBytes(address), n) as
            | { nonce: string | null; balance: string | null; code_hash: Buffer | null }
            | undefined
          if (!r || r.nonce === null || r.balance === null || r.code_hash === null) return undefined
          // Past storage roots are not kept; execution only compares them with the empty root (EIP-7610).
          return {
            nonce: BigInt(r.nonce),
            balance: BigInt(r.balance),
            codeHash: new Uint8Array(r.code_hash),
            storageRoot: KECCAK256_RLP,
          }
        },
        getStorage(address, slot) {
          const a = hexToBytes(address)
          const r = q.slotAt.get(a, hexToBytes(slot), n) as { value: Buffer; block: number } | undefined
          const c = q.clearAt.get(a, n) as { block: number | null }
          if (!r) return EMPTY
          // A clear in the same block as the write happened before it (the diff only keeps post-clear writes).
          if (c.block !== null && c.block > r.block) return EMPTY
          return new Uint8Array(r.value)
        },
        getCode(hash) {
          const r = q.codeByHash.get(hexToBytes(hash)) as { code: Buffer } | undefined
          return r ? new Uint8Array(r.code) : undefined
        },
      }
    },
    pruneHistory(keepFrom) {
      const keep = Number(keepFrom)
      q.pruneAccounts.run({ keep })
      q.pruneSlots.run({ keep })
    },
  }
}
