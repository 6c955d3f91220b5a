import type { TypedTransaction } from '@ethereumjs/tx'
import { bytesToHex, KECCAK256_NULL, KECCAK256_RLP } from '@ethereumjs/util'
import type { Hex } from 'viem'
import { effectiveGasPrice } from './receipt.ts'
import type { AccountState } from './state/types.ts'
import type { BlockEnv } from './types.ts'

/** The state a fast transfer reads and writes (the executor's overlay). */
export type TransferState = {
  peekAccount(address: Hex): AccountState | undefined
  setAccount(address: Hex, value: AccountState | null): void
}

/** A transfer applied without the interpreter: what runTx would have returned that receipts need. */
export type FastTransferResult = { gasUsed: bigint; minerValue: bigint } | { invalid: string }

const EMPTY_CODE = bytesToHex(KECCAK256_NULL)
const TRANSFER_GAS = 21_000n

const isEmptyCode = (a: AccountState | undefined) => !a || bytesToHex(a.codeHash) === EMPTY_CODE
const isEmpty = (a: AccountState) => a.nonce === 0n && a.balance === 0n && bytesToHex(a.codeHash) === EMPTY_CODE

/**
 * Plain ETH transfers (no data, no access list, to a code-less non-precompile account, neither
 * party the coinbase) are applied directly: nonce and balance checks in runTx's order, 21,000 gas,
 * the fee split between the burned base fee and the coinbase's tip, EIP-161 removal of a touched
 * empty recipient. Returns undefined for anything else, which then runs through the EVM. Covered by
 * the differential tests against ethereumjs's own runTx.
 */
export function tryFastTransfer(
  tx: TypedTransaction,
  sender: Hex,
  state: TransferState,
  env: BlockEnv,
  coinbase: Hex,
): FastTransferResult | undefined {
  if (tx.type > 2 || !tx.to || tx.data.length !== 0) return undefined
  if ('accessList' in tx && (tx.accessList as unknown[]).length > 0) return undefined
  if (tx.gasLimit < TRANSFER_GAS || tx.gasLimit > env.gasLimit) return undefined
  const to = tx.to.toString() as Hex
  if (to === coinbase || sender === coinbase) return undefined
  // Precompiles (0x01..) execute code that is not in the state.
  if (BigInt(to) < 0x10000n) return undefined
  const from = state.peekAccount(sender)
  if (!isEmptyCode(from)) return undefined
  const recipient = to === sender ? from : state.peekAccount(to)
  if (!isEmptyCode(recipient)) return undefined

  const feeCap = 'maxFeePerGas' in tx ? tx.maxFeePerGas : (tx as { gasPrice: bigint }).gasPrice
  if (feeCap < env.baseFeePerGas) return { invalid: `fee cap ${feeCap} below base fee ${env.baseFeePerGas}` }
  const nonce = from?.nonce ?? 0n
  if (tx.nonce !== nonce)
    return {
      invalid: `the tx doesn't have the correct nonce. account has nonce of: ${nonce} tx has nonce of: ${tx.nonce}`,
    }
  const price = effectiveGasPrice(tx, env.baseFeePerGas)
  const tip = price - env.baseFeePerGas
  const balance = from?.balance ?? 0n
  const upfront = tx.gasLimit * price + tx.value
  const maxCost = tx.gasLimit * feeCap + tx.value
  if (balance < upfront || balance < maxCost)
    return {
      invalid: `sender doesn't have enough funds to send tx. The max cost is: ${maxCost} and the sender's account only has: ${balance}`,
    }

  const fee = TRANSFER_GAS * price
  const newFrom: AccountState = {
    nonce: nonce + 1n,
    balance: balance - fee - (to === sender ? 0n : tx.value),
    codeHash: from?.codeHash ?? KECCAK256_NULL,
    storageRoot: from?.storageRoot ?? KECCAK256_RLP,
  }
  state.setAccount(sender, newFrom)
  if (to !== sender) {
    if (recipient) {
      const next = { ...recipient, balance: recipient.balance + tx.value }
      state.setAccount(to, isEmpty(next) ? null : next)
    } else if (tx.value > 0n) {
      state.setAccount(to, { nonce: 0n, balance: tx.value, codeHash: KECCAK256_NULL, storageRoot: KECCAK256_RLP })
    }
  }
  return { gasUsed: TRANSFER_GAS, minerValue: TRANSFER_GAS * tip }
}

/** Pays the coinbase its tip as runTx does: the account is touched, so an empty one is removed (EIP-161). */
export function payCoinbase(state: TransferState, coinbase: Hex, minerValue: bigint): void {
  const cur = state.peekAccount(coinbase)
  const next: AccountState = {
    nonce: cur?.nonce ?? 0n,
    balance: (cur?.balance ?? 0n) + minerValue,
    codeHash: cur?.codeHash ?? KECCAK256_NULL,
    storageRoot: cur?.storageRoot ?? KECCAK256_RLP,
  }
  if (isEmpty(next)) {
    if (cur) state.setAccount(coinbase, null)
  } else state.setAccount(coinbase, next)
}
