// Who sends what in a chaos run. The ten dev accounts of the test mnemonic are funded on both chains (Anvil's
// defaults, the L2's genesis); on L1, account 0 deploys, 1 posts batches and 2 would prove, so deposits come
// from account 9. The workload's senders are fresh keys funded from dev accounts 3..7 on L2; account 8 signs
// the hostile transactions, whose balance and nonce must never move.
import { type Address, keccak256, toHex } from 'viem'
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts'
import { devAccounts } from '../../core/chain/devAccounts.ts'

/** Dev account `index` of the test mnemonic as a local signer. */
export function devAccount(index: number): PrivateKeyAccount {
  return privateKeyToAccount(devAccounts()[index].privateKey)
}

/** The dev accounts that fund the workload's senders on L2. */
export const FUNDER_INDEXES = [3, 4, 5, 6, 7] as const
/** The dev account that signs hostile transactions on L2. */
export const HOSTILE_INDEX = 8
/** The dev account that deposits from L1. */
export const DEPOSITOR_INDEX = 9

/** Workload sender `i` of run `seed`: a fresh key, distinct from the dev accounts. */
export function senderAccount(seed: string, i: number): PrivateKeyAccount {
  return privateKeyToAccount(keccak256(toHex(`parallel-rollup chaos ${seed} sender ${i}`)))
}

/** A fresh recipient for sender `i`'s tx with nonce `nonce`: its balance must end up exactly that tx's value. */
export function recipientOf(seed: string, i: number, nonce: bigint): Address {
  return `0x${keccak256(toHex(`parallel-rollup chaos ${seed} to ${i} ${nonce}`)).slice(-40)}` as Address
}

/** A fresh L2 recipient of deposit `k`. */
export function depositRecipient(seed: string, k: number): Address {
  return `0x${keccak256(toHex(`parallel-rollup chaos ${seed} deposit ${k}`)).slice(-40)}` as Address
}

export { MAX_FEE_PER_GAS, MAX_PRIORITY_FEE_PER_GAS, signTransfer } from '../../bench/load/signTransfer.ts'
