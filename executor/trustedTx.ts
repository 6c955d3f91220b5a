import type { Common } from '@ethereumjs/common'
import { AccessList2930Tx, createTxFromRLP, FeeMarket1559Tx, LegacyTx, type TypedTransaction } from '@ethereumjs/tx'
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
 * that passed ethereumjs's decode never have), take `createTxFromRLP` itself. A common's first tx also does, so
 * that the tx parameters are merged into it as the constructor would. Compared property by property with
 * `createTxFromRLP` on random txs and on the official TransactionTests fixtures (trustedTx.test.ts).
 */
export function decodeTrustedTx(raw: Uint8Array, common: Common): TypedTransaction {
  const built = buildTrustedTx(raw, common)
  if (built) return built
  const tx = createTxFromRLP(raw, { common, freeze: false })
  if (!prepared.has(common)) prepared.set(common, canShare(common))
  return tx
}

/** {@link decodeTrustedTx}'s own construction: undefined where it leaves the bytes to `createTxFromRLP`. */
export function buildTrustedTx(raw: Uint8Array, common: Common): TypedTransaction | undefined {
  const type = raw.length > 0 && raw[0] <= 0x7f ? raw[0] : 0
  const fields = type <= 2 && prepared.get(common) ? readFields(raw, type) : undefined
  if (fields === undefined) return undefined
  if (type === 2) {
    const [, nonce, tip, feeCap, gasLimit, to, value, data, accessList, v, r, s] = fields as Field[]
    const tx = Object.create(FeeMarket1559Tx.prototype)
    shared(
      tx,
      2,
      common,
      nonce as Uint8Array,
      gasLimit as Uint8Array,
      to as Uint8Array,
      value as Uint8Array,
      data as Uint8Array,
      v as Uint8Array,
      r as Uint8Array,
      s as Uint8Array,
    )
    tx.chainId = common.chainId()
    tx.activeCapabilities = CAPABILITIES_1559.slice()
    tx.accessList = accessList
    tx.maxFeePerGas = toBigInt(feeCap as Uint8Array)
    tx.maxPriorityFeePerGas = toBigInt(tip as Uint8Array)
    return tx
  }
  if (type === 1) {
    const [, nonce, gasPrice, gasLimit, to, value, data, accessList, v, r, s] = fields as Field[]
    const tx = Object.create(AccessList2930Tx.prototype)
    shared(
      tx,
      1,
      common,
      nonce as Uint8Array,
      gasLimit as Uint8Array,
      to as Uint8Array,
      value as Uint8Array,
      data as Uint8Array,
      v as Uint8Array,
      r as Uint8Array,
      s as Uint8Array,
    )
    tx.chainId = common.chainId()
    tx.activeCapabilities = CAPABILITIES_2930.slice()
    tx.accessList = accessList
    tx.gasPrice = toBigInt(gasPrice as Uint8Array)
    return tx
  }
  const [nonce, gasPrice, gasLimit, to, value, data, v, r, s] = fields as Uint8Array[]
  const tx = Object.create(LegacyTx.prototype)
  shared(tx, 0, common, nonce, gasLimit, to, value, data, v, r, s)
  tx.gasPrice = toBigInt(gasPrice)
  tx.keccakFunction = common.customCrypto.keccak256
  // EIP-155: a signature over the chain id (v = 2 * chainId + 35/36) is replay-protected; 27/28 is not.
  const doubled = Number(common.chainId()) * 2
  const vn = Number(tx.v)
  if (vn === doubled + 35 || vn === doubled + 36) tx.activeCapabilities.push(EIP155)
  return tx
}

type Field = Uint8Array | Field[]

/**
 * Per common, after a first `createTxFromRLP` merged the tx parameters into it (the constructor's `updateParams`):
 * whether txs may be built here. Only for a common that every tx shares (`copy()` returns itself, as
 * createChainCommon's does: a stock Common's copy would need the parameters merged again), that has a keccak for
 * legacy txs, and that is past Spurious Dragon (EIP-155 capabilities as below).
 */
const prepared = new WeakMap<Common, boolean>()
const canShare = (common: Common) =>
  common.copy() === common && common.customCrypto.keccak256 !== undefined && common.gteHardfork('spuriousDragon')
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
  nonce: Uint8Array,
  gasLimit: Uint8Array,
  to: Uint8Array,
  value: Uint8Array,
  data: Uint8Array,
  v: Uint8Array,
  r: Uint8Array,
  s: Uint8Array,
): void {
  tx.type = type
  tx.cache = {}
  tx.activeCapabilities = []
  tx.common = common.copy()
  tx.txOptions = { common, freeze: false }
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
function readFields(raw: Uint8Array, type: number): Field[] | undefined {
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
        fields.push(readAccessList(raw, item.start, item.end))
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
    return fields
  } catch {
    return undefined
  }
}

// [[address, [slot, ...]], ...]; any other shape throws, and the caller falls back.
function readAccessList(raw: Uint8Array, start: number, end: number): Field[] {
  const out: Field[] = []
  for (let o = start; o < end; ) {
    const entry = readRlpItem(raw, o, end, 'tx')
    if (!entry.list) throw new Error('access list entry is not a list')
    const address = readRlpItem(raw, entry.start, entry.end, 'tx')
    if (address.list || address.end >= entry.end) throw new Error('bad access list entry')
    const slots = readRlpItem(raw, address.end, entry.end, 'tx')
    if (!slots.list || slots.end !== entry.end) throw new Error('bad access list entry')
    const keys: Uint8Array[] = []
    for (let k = slots.start; k < slots.end; ) {
      const key = readRlpItem(raw, k, slots.end, 'tx')
      if (key.list) throw new Error('storage key is a list')
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
