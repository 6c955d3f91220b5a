import { bytesToHex, hexToBytes, KECCAK256_NULL, KECCAK256_RLP } from '@ethereumjs/util'
import type { Hex } from 'viem'
import { createStateDiff, type StateDiff } from '../../executor/state/types.ts'
import { keccak256 } from '../crypto/keccak256.ts'
import { devAccounts } from './devAccounts.ts'
import { PREDEPLOYS } from './predeploys.ts'

/** 10,000 ETH in wei. */
export const DEV_BALANCE = 10_000n * 10n ** 18n

/**
 * The genesis allocation as a state diff: the ten dev accounts with 10,000 ETH each, and the
 * predeployed contracts (CREATE2 deployer, EIP-2935 history) with nonce 1 as geth's genesis gives them.
 */
export function genesisDiff(): StateDiff {
  const diff = createStateDiff()
  for (const a of devAccounts()) {
    diff.accounts.set(a.address.toLowerCase() as Hex, {
      nonce: 0n,
      balance: DEV_BALANCE,
      codeHash: KECCAK256_NULL,
      storageRoot: KECCAK256_RLP,
    })
  }
  for (const p of PREDEPLOYS) {
    const code = hexToBytes(p.code)
    const codeHash = keccak256(code)
    diff.code.set(bytesToHex(codeHash) as Hex, code)
    diff.accounts.set(p.address.toLowerCase() as Hex, {
      nonce: 1n,
      balance: 0n,
      codeHash,
      storageRoot: KECCAK256_RLP,
    })
  }
  return diff
}
