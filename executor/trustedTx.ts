import type { Common } from '@ethereumjs/common'
import {
  AccessList2930Tx,
  createTxFromRLP,
  FeeMarket1559Tx,
  LegacyTx,
  paramsTx,
  type TypedTransaction,
} from '@ethereumjs/tx'
import { Address } from '@ethereumjs/util'
import { readRlpItem } from '../core/batch/readRlpItem.ts'

/**
 * The ethereumjs transaction for wire bytes that were already decoded and validated once, by
 * `createTxFromRLP` or the pool's intake: a VM worker gets each block tx's bytes from the main thread, which
 * holds the tx object they came from. The object is built without the constructor's checks and input
 * conversions (~13 µs of an ERC-20 transfer's decode in isolation, ~27 µs per tx in a worker's CPU profile):
 * the same class, the same own properties assigned in the same order and with the same values as
 * `createTxFromRLP(raw, { common, freeze: false })` gives, unfrozen like that (the worker defines the sender on it).
 *
 * Legacy, EIP-2930 and EIP-1559 txs only; any other type, and any shape the reader does not expect (which bytes
 * that passed ethereumjs's decode never have), take `createTxFromRLP` itself. Compared property by property with
 * `createTxFromRLP` on random txs and on the official TransactionTests fixtures (trustedTx.test.ts).
 */
export function decodeTrustedTx(raw: Uint8Array, common: Common): TypedTransaction {
  return buildTrustedTx(raw, common) ?? createTxFromRLP(raw, { common, freeze: false })
}

/**
 * `createTxFromRLP(raw, { common })` for bytes of unknown origin, faster for the usual tx: a signed EIP-155 legacy,
 * EIP-2930 or EIP-1559 call is built as {@link decodeTrustedTx} builds it (then frozen, as ethereumjs freezes it)
 * once it passes a check stricter than ethereumjs's constructor: canonical RLP, integers without leading zeros
 * (nonce and gas limit under 2^56, the rest 32 bytes at most), a 20-byte `to`, well-formed access lists, this
 * chain's id, yParity 0 or 1 (legacy: v = 2 * chainId + 35/36), 0 < s <= n/2, fee cap >= tip and fee cap (or gas
 * price) x gas limit <= 2^256 - 1. Anything else, creations and unprotected legacy txs included, is left to
 * `createTxFromRLP`, which builds it or throws its own error: the faster route only ever gives the same object
 * for bytes ethereumjs accepts (checked on random, mutated and fixture txs: trustedTx.test.ts).
 */
export function decodeCheckedTx(raw: Uint8Array, common: Common): TypedTransaction {
  return buildCheckedTx(raw, common) ?? createTxFromRLP(raw, { common })
}

/** {@link decodeTrustedTx}'s own construction: undefined where it leaves the bytes to `createTxFromRLP`. */
export function buildTrustedTx(raw: Uint8Array, common: Common): TypedTransaction | undefined {
  return build(raw, common, false)
}

/** {@link decodeCheckedTx}'s own construction: undefined where it leaves the bytes to `createTxFromRLP`. */
export function buildCheckedTx(raw: Uint8Array, common: Common): TypedTransaction | undefined {
  return build(raw, common, true)
}

function build(raw: Uint8Array, common: Common, check: boolean): TypedTransaction | undefined {
  const type = raw.length > 0 && raw[0] <= 0x7f ? raw[0] : 0
  const fields = type <= 2 && ready(common) ? readFields(raw, type, check) : undefined
  if (fields === undefined) return undefined
  const txOptions = check ? { common } : { common, freeze: false }
  if (type !== 0) {
    // EIP-2930 and EIP-1559 fields differ only in their fees:
    // [chainId, nonce, gasPrice | tip, feeCap, gasLimit, to, value, data, accessList, v, r, s]
    const [gasLimit, to, value, data, accessList, v, r, s] = fields.slice(type + 2)
    const tx = Object.create(type === 2 ? FeeMarket1559Tx.prototype : AccessList2930Tx.prototype)
    shared(tx, type, common, txOptions, [fields[1], gasLimit, to, value, data, v, r, s] as Uint8Array[])
    tx.chainId = common.chainId()
    tx.activeCapabilities = (type === 2 ? CAPABILITIES_1559 : CAPABILITIES_2930).slice()
    tx.accessList = accessList
    let feesOk: boolean
    if (type === 2) {
      tx.maxFeePerGas = toBigInt(fields[3] as Uint8Array)
      tx.maxPriorityFeePerGas = toBigInt(fields[2] as Uint8Array)
      feesOk = tx.maxFeePerGas >= tx.maxPriorityFeePerGas && fits(tx.maxFeePerGas, tx.gasLimit)
    } else {
      tx.gasPrice = toBigInt(fields[2] as Uint8Array)
      feesOk = fits(tx.gasPrice, tx.gasLimit)
    }
    if (check && !(feesOk && typedOk(tx, fields[0] as Uint8Array))) return undefined
    return check ? Object.freeze(tx) : tx
  }
  const [nonce, gasPrice, gasLimit, to, value, data, v, r, s] = fields as Uint8Array[]
  const tx = Object.create(LegacyTx.prototype)
  shared(tx, 0, common, txOptions, [nonce, gasLimit, to, value, data, v, r, s])
  tx.gasPrice = toBigInt(gasPrice)
  tx.keccakFunction = common.customCrypto.keccak256
  // EIP-155: a signature over the chain id (v = 2 * chainId + 35/36) is replay-protected; 27/28 is not. Compared
  // as ethereumjs compares them (as Numbers); a checked tx must match exactly.
  const doubled = Number(common.chainId()) * 2
  const vn = Number(tx.v)
  if (vn === doubled + 35 || vn === doubled + 36) tx.activeCapabilities.push(EIP155)
  const exact = common.chainId() * 2n + 35n
  if (check && !((tx.v === exact || tx.v === exact + 1n) && tx.s <= HALF_N && fits(tx.gasPrice, tx.gasLimit)))
    return undefined
  return check ? Object.freeze(tx) : tx
}

/** A checked typed tx: this chain's id (as bytes, before ethereumjs would compare it), yParity 0 or 1, low s. */
function typedOk(tx: { v: bigint; s: bigint; chainId: bigint }, chainId: Uint8Array): boolean {
  return toBigInt(chainId) === tx.chainId && (tx.v === 0n || tx.v === 1n) && tx.s <= HALF_N
}

const MAX_INTEGER = 2n ** 256n - 1n
/** secp256k1's n / 2: a larger s is refused (EIP-2). */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n
/** Whether a fee times the gas limit stays within 2^256 - 1. */
const fits = (fee: bigint, gasLimit: bigint) => fee * gasLimit <= MAX_INTEGER

type Field = Uint8Array | Field[]

/**
 * Whether txs may be built here with `common`: only with a common that every tx shares (`copy()` returns itself, as
 * createChainCommon's does: a stock Common's copy gets the tx parameters merged into it by each constructor), that
 * has a keccak for legacy txs, that is past Spurious Dragon (EIP-155 capabilities as below), with EIP-2930 and
 * EIP-1559 and without EIP-7825 (its gas limit cap is one more constructor check, not made here). The first time,
 * the tx parameters are merged into it, as every ethereumjs tx constructor does first.
 */
function ready(common: Common): boolean {
  let ok = prepared.get(common)
  if (ok === undefined) {
    ok =
      common.copy() === common &&
      common.customCrypto.keccak256 !== undefined &&
      common.gteHardfork('spuriousDragon') &&
      common.isActivatedEIP(1559) &&
      common.isActivatedEIP(2930) &&
      !common.isActivatedEIP(7825)
    if (ok) common.updateParams(paramsTx)
    prepared.set(common, ok)
  }
  return ok
}
const prepared = new WeakMap<Common, boolean>()
const CAPABILITIES_1559 = [1559, 2718, 2930]
const CAPABILITIES_2930 = [2718, 2930]
const EIP155 = 155
/** Signed field counts per type (the reader leaves unsigned txs to ethereumjs). */
const FIELD_COUNT = [9, 11, 12]
/** Where the access list sits in a typed tx's fields. */
const ACCESS_LIST = [-1, 7, 8]

// The fields every type shares, assigned in the order ethereumjs's sharedConstructor assigns them.
function shared(
  tx: Record<string, unknown>,
  type: number,
  common: Common,
  txOptions: object,
  [nonce, gasLimit, to, value, data, v, r, s]: Uint8Array[],
): void {
  tx.type = type
  tx.cache = {}
  tx.activeCapabilities = []
  tx.common = common.copy()
  tx.txOptions = txOptions
  tx.to = to.length > 0 ? new Address(to) : undefined
  tx.nonce = toBigInt(nonce)
  tx.gasLimit = toBigInt(gasLimit)
  tx.value = toBigInt(value)
  tx.data = data
  tx.v = toBigInt(v)
  tx.r = toBigInt(r)
  tx.s = toBigInt(s)
}

/**
 * The signed tx's fields, byte strings copied out of `raw` (as ethereumjs's decoder copies them); for a typed tx
 * the access list as nested arrays of byte strings. Undefined for any shape but the expected one.
 */
function readFields(raw: Uint8Array, type: number, check: boolean): Field[] | undefined {
  try {
    const body = type === 0 ? 0 : 1
    const list = readRlpItem(raw, body, raw.length, 'tx')
    if (!list.list || list.end !== raw.length) return undefined
    const fields: Field[] = []
    const accessListAt = ACCESS_LIST[type]
    for (let o = list.start; o < list.end; ) {
      const item = readRlpItem(raw, o, list.end, 'tx')
      if (fields.length === accessListAt) {
        if (!item.list) return undefined
        fields.push(readAccessList(raw, item.start, item.end, check))
      } else {
        if (item.list) return undefined
        fields.push(copy(raw, item.start, item.end))
      }
      o = item.end
    }
    if (fields.length !== FIELD_COUNT[type]) return undefined
    // a signature field left empty, or a \`to\` that is no address: ethereumjs's own reading of such bytes
    const [to, v, r, s] = [fields[type === 0 ? 3 : type + 3], ...fields.slice(-3)] as Uint8Array[]
    if ((to.length !== 0 && to.length !== 20) || (type === 0 && v.length === 0) || r.length === 0 || s.length === 0)
      return undefined
    if (check && (to.length === 0 || !integersOk(fields as Uint8Array[], type))) return undefined
    return fields
  } catch {
    return undefined
  }
}

/**
 * The checks on integers: none with a leading zero, the nonce and the gas limit under 2^56 (ethereumjs: 2^64 - 1
 * and 2^64), the others 32 bytes at most.
 */
function integersOk(fields: Uint8Array[], type: number): boolean {
  for (const i of INTEGERS[type]) {
    const b = fields[i]
    if (b.length > 32 || (b.length > 0 && b[0] === 0)) return false
  }
  return fields[type === 0 ? 0 : 1].length <= 7 && fields[type + 2].length <= 7
}

/** Positions of the integer fields per type (signed). */
const INTEGERS = [
  [0, 1, 2, 4, 6, 7, 8],
  [0, 1, 2, 3, 5, 8, 9, 10],
  [0, 1, 2, 3, 4, 6, 9, 10, 11],
]

// [[address, [slot, ...]], ...]; any other shape throws, and the caller falls back (checked: 20-byte addresses and
// 32-byte keys, as ethereumjs's verifyAccessList requires).
function readAccessList(raw: Uint8Array, start: number, end: number, check: boolean): Field[] {
  const out: Field[] = []
  for (let o = start; o < end; ) {
    const entry = readRlpItem(raw, o, end, 'tx')
    if (!entry.list) throw new Error('access list entry is not a list')
    const address = readRlpItem(raw, entry.start, entry.end, 'tx')
    if (address.list || address.end >= entry.end || (check && address.end - address.start !== 20))
      throw new Error('bad access list entry')
    const slots = readRlpItem(raw, address.end, entry.end, 'tx')
    if (!slots.list || slots.end !== entry.end) throw new Error('bad access list entry')
    const keys: Uint8Array[] = []
    for (let k = slots.start; k < slots.end; ) {
      const key = readRlpItem(raw, k, slots.end, 'tx')
      if (key.list || (check && key.end - key.start !== 32)) throw new Error('bad storage key')
      keys.push(copy(raw, key.start, key.end))
      k = key.end
    }
    out.push([copy(raw, address.start, address.end), keys])
    o = entry.end
  }
  return out
}

/** A copy of raw[start, end) as a plain Uint8Array (a Buffer's own slice would share its memory). */
const copy = (raw: Uint8Array, start: number, end: number) => new Uint8Array(raw.subarray(start, end))

/** A big-endian unsigned integer (no leading zeros, as decoding already checked), exact at any length. */
function toBigInt(b: Uint8Array): bigint {
  const n = b.length
  if (n <= 6) {
    let x = 0
    for (let i = 0; i < n; i++) x = x * 256 + b[i]
    return BigInt(x)
  }
  return BigInt(`0x${Buffer.from(b.buffer, b.byteOffset, n).toString('hex')}`)
}
