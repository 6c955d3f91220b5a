import { RLP } from '@ethereumjs/rlp'
import { type Address, bytesToHex, concat, getAddress, type Hex, hexToBytes, keccak256, numberToHex, toHex } from 'viem'

/** The EIP-2718 type of deposit transactions, as in the OP Stack (viem's op-stack formatters read it). */
export const DEPOSIT_TX_TYPE = 0x7e

/** A `DepositInitiated(nonce, from, to, amount)` log of the L1 bridge, with where it sits on L1. */
export type DepositEvent = {
  nonce: bigint
  from: Address
  to: Address
  amount: bigint
  l1BlockNumber: bigint
  l1BlockHash: Hex
  logIndex: number
  l1TxHash: Hex
}

/** The fields of a deposit transaction (OP Stack layout). */
export type DepositTx = {
  sourceHash: Hex
  from: Address
  to: Address
  mint: bigint
  value: bigint
  gas: bigint
  isSystemTx: boolean
  data: Hex
}

/** A deposit ready for a block: what the executor credits and what the block stores. */
export type BlockDeposit = {
  /** the bridge's deposit nonce */
  nonce: bigint
  to: Address
  amount: bigint
  raw: Uint8Array
  hash: Hex
}

/**
 * The OP Stack's user-deposit source hash: keccak256(bytes32(0) ‖ keccak256(l1BlockHash ‖ bytes32(logIndex))).
 * Unique per L1 log, so a deposit's tx hash is unique too.
 */
export function depositSourceHash(l1BlockHash: Hex, logIndex: number): Hex {
  const depositId = keccak256(concat([l1BlockHash, numberToHex(logIndex, { size: 32 })]))
  return keccak256(concat([numberToHex(0, { size: 32 }), depositId]))
}

/**
 * The deposit transaction of a bridge event. It mints `amount` and sends it to `to` (mint = value =
 * amount, no gas, no data): on L2 the recipient's balance grows by `amount`, and nothing else changes
 * (no code runs, no nonce moves — simpler than the OP Stack, which executes a call from the sender).
 */
export function depositTxOf(e: DepositEvent): DepositTx {
  return {
    sourceHash: depositSourceHash(e.l1BlockHash, e.logIndex),
    from: getAddress(e.from),
    to: getAddress(e.to),
    mint: e.amount,
    value: e.amount,
    gas: 0n,
    isSystemTx: false,
    data: '0x',
  }
}

const int = (n: bigint) => (n === 0n ? new Uint8Array() : hexToBytes(toHex(n)))

/** 0x7e ‖ rlp([sourceHash, from, to, mint, value, gas, isSystemTx, data]). */
export function encodeDepositTx(tx: DepositTx): Uint8Array {
  const body = RLP.encode([
    hexToBytes(tx.sourceHash),
    hexToBytes(tx.from),
    hexToBytes(tx.to),
    int(tx.mint),
    int(tx.value),
    int(tx.gas),
    tx.isSystemTx ? Uint8Array.of(1) : new Uint8Array(),
    hexToBytes(tx.data),
  ])
  const out = new Uint8Array(body.length + 1)
  out[0] = DEPOSIT_TX_TYPE
  out.set(body, 1)
  return out
}

/** Decodes a deposit transaction envelope; throws on anything else. */
export function decodeDepositTx(raw: Uint8Array): DepositTx {
  if (raw[0] !== DEPOSIT_TX_TYPE) throw new Error('not a deposit transaction')
  const f = RLP.decode(raw.subarray(1)) as Uint8Array[]
  if (!Array.isArray(f) || f.length !== 8 || f.some((x) => !(x instanceof Uint8Array)))
    throw new Error('malformed deposit transaction')
  const big = (b: Uint8Array) => (b.length === 0 ? 0n : BigInt(bytesToHex(b)))
  if (f[0].length !== 32 || f[1].length !== 20 || f[2].length !== 20) throw new Error('malformed deposit transaction')
  return {
    sourceHash: bytesToHex(f[0]),
    from: getAddress(bytesToHex(f[1])),
    to: getAddress(bytesToHex(f[2])),
    mint: big(f[3]),
    value: big(f[4]),
    gas: big(f[5]),
    isSystemTx: f[6].length === 1 && f[6][0] === 1,
    data: bytesToHex(f[7]),
  }
}

/** A bridge event as the executor and the block take it. */
export function blockDepositOf(e: DepositEvent): BlockDeposit {
  const raw = encodeDepositTx(depositTxOf(e))
  return { nonce: e.nonce, to: getAddress(e.to), amount: e.amount, raw, hash: keccak256(raw) }
}

/** The consensus receipt of a deposit: 0x7e ‖ rlp([status 1, cumulativeGasUsed, empty bloom, no logs]). */
export function encodeDepositReceipt(cumulativeGasUsed: bigint): Uint8Array {
  const body = RLP.encode([Uint8Array.of(1), int(cumulativeGasUsed), new Uint8Array(256), []])
  const out = new Uint8Array(body.length + 1)
  out[0] = DEPOSIT_TX_TYPE
  out.set(body, 1)
  return out
}
