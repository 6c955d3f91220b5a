import type { Common } from '@ethereumjs/common'
import { RLP } from '@ethereumjs/rlp'
import {
  create1559FeeMarketTxFromBytesArray,
  createAccessList2930TxFromBytesArray,
  createEOACode7702TxFromBytesArray,
  createLegacyTxFromBytesArray,
  type TypedTransaction,
} from '@ethereumjs/tx'
import { bytesToBigInt, bytesToHex, equalsBytes } from '@ethereumjs/util'
import type { Address, Hash } from 'viem'
import { keccak256 } from '../../core/crypto/keccak256.ts'
import type { RecoveredSender } from '../../core/crypto/recoverSender.ts'
import {
  EmptyAuthListError,
  FeeCapTooLowError,
  FeeCapVeryHighError,
  GasLimitExceededError,
  GasUintOverflowError,
  IntrinsicGasTooLowError,
  InvalidChainIdError,
  InvalidSenderError,
  MaxInitCodeSizeExceededError,
  OversizedDataError,
  SetCodeTxCreateError,
  TipAboveFeeCapError,
  TipVeryHighError,
  TxDecodeError,
  TxTypeNotSupportedError,
  UnprotectedTxError,
} from '../../core/errors/tx.ts'
import { buildCheckedTx } from '../../executor/trustedTx.ts'
import { knownRaw, primeSender } from '../../executor/txCache.ts'
import type { PooledTx } from './pooledTx.ts'

/** geth's txMaxSize: 4 slots of 32 KiB. */
export const MAX_TX_SIZE = 128 * 1024

/** EIP-3860: initcode may be at most twice the EIP-170 code size limit. */
export const MAX_INITCODE_SIZE = 2 * 24_576

const SUPPORTED_TYPES = new Set([1, 2, 4])
/** ethereumjs's constructor for each supported type, from the decoded field list. */
const FROM_FIELDS: Record<number, (values: Uint8Array[], opts: { common: Common }) => TypedTransaction> = {
  0: (v, o) => createLegacyTxFromBytesArray(v, o),
  1: (v, o) => createAccessList2930TxFromBytesArray(v as never, o),
  2: (v, o) => create1559FeeMarketTxFromBytesArray(v as never, o),
  4: (v, o) => createEOACode7702TxFromBytesArray(v as never, o),
}
const U64_MAX = 2n ** 64n - 1n

/** Chain rules the stateless checks need. */
export type IntakeRules = { common: Common; chainId: bigint; blockGasLimit: bigint; minBaseFee: bigint }

/**
 * Decodes wire bytes into a pool transaction, applying every check that needs no state, in geth's
 * order: size, type, EIP-7702 shape, initcode size (EIP-3860), replay protection and chain id,
 * signature (low s, recoverable sender), gas limit vs block, intrinsic gas and the Prague calldata
 * floor, fee fields.
 */
export function decodeRawTransaction(
  raw: Uint8Array,
  rules: IntakeRules,
  seq = 0,
  /** The sender, already recovered from these bytes elsewhere (core/crypto/createSenderRecovery). */
  recovered?: RecoveredSender,
): PooledTx {
  if (raw.length > MAX_TX_SIZE) throw new OversizedDataError({ size: raw.length, limit: MAX_TX_SIZE })
  if (raw.length === 0) throw new TxDecodeError({ cause: new Error('empty input') })
  const first = raw[0]
  if (first <= 0x7f && !SUPPORTED_TYPES.has(first)) throw new TxTypeNotSupportedError({ type: first })
  // The usual tx (a signed EIP-155 legacy, EIP-2930 or EIP-1559 call) is built by the checked route when it
  // passes checks stricter than ethereumjs's constructor and than checkShape and checkChainId below (an ERC-20
  // transfer, sender given, with the re-encoding dropped below too: ~28-33 -> ~12 µs, scratch benchmark);
  // anything else takes the generic decode, which gives the precise error.
  let tx = buildCheckedTx(raw, rules.common)
  if (tx === undefined) tx = decodeGeneric(raw, first, rules)
  // The bytes must be the tx's canonical encoding (as geth's strict RLP decoding requires): they are what blocks,
  // the transactions root and the batch carry, and their keccak is the hash. Proven once here, they are reused
  // from here on (no re-encoding or re-hashing per block). For types 0-2 decoding has proven it already:
  // @ethereumjs/rlp decodes canonical RLP only (no prefixed single byte, long forms only past 55 bytes, no leading
  // zero in a length, nothing after the list), their constructors refuse a leading zero in every integer field but
  // a typed tx's chain id (checkChainId refuses that one), and the other fields are kept as given. Re-encoding to
  // compare cost ~19 µs a tx (intake profile of 10k ERC-20 transfers). A set-code tx, whose authorizations hold
  // integers of their own, is still re-encoded and compared. The fuzz tests check every accepted tx re-encodes to
  // its bytes.
  if (first === 4 && !equalsBytes(tx.serialize(), raw))
    throw new TxDecodeError({ cause: new Error('not in its canonical encoding') })
  const hash = bytesToHex(keccak256(raw)) as Hash
  knownRaw(tx, raw, hash)
  if (!tx.isSigned()) throw new InvalidSenderError()
  let sender: Address
  try {
    if (recovered) {
      sender = bytesToHex(recovered.address) as Address
      primeSender(tx, sender, recovered.publicKey)
    } else sender = tx.getSenderAddress().toString() as Address
  } catch (err) {
    throw new InvalidSenderError({ cause: err })
  }
  if (tx.gasLimit > U64_MAX) throw new GasUintOverflowError()
  if (tx.gasLimit > rules.blockGasLimit)
    throw new GasLimitExceededError({ gas: tx.gasLimit, limit: rules.blockGasLimit })
  const intrinsic = tx.getIntrinsicGas()
  if (tx.gasLimit < intrinsic) throw new IntrinsicGasTooLowError({ gas: tx.gasLimit, needed: intrinsic })
  const floor = tx.getMinimumGasLimit()
  if (tx.gasLimit < floor) throw new IntrinsicGasTooLowError({ gas: tx.gasLimit, needed: floor, floor: true })

  const feeCap = 'maxFeePerGas' in tx ? tx.maxFeePerGas : (tx as { gasPrice: bigint }).gasPrice
  const tip = 'maxPriorityFeePerGas' in tx ? tx.maxPriorityFeePerGas : feeCap
  if (tip > feeCap) throw new TipAboveFeeCapError()
  if (feeCap < rules.minBaseFee) throw new FeeCapTooLowError({ feeCap, baseFee: rules.minBaseFee })

  return {
    hash,
    raw,
    tx,
    sender: sender.toLowerCase() as Address,
    nonce: tx.nonce,
    gasLimit: tx.gasLimit,
    feeCap,
    tip,
    cost: tx.gasLimit * feeCap + tx.value,
    seq,
  }
}

/** The tx through ethereumjs's decode, after the checks made on the raw fields; its errors mapped to geth's. */
function decodeGeneric(raw: Uint8Array, first: number, rules: IntakeRules): TypedTransaction {
  const fields = decodeFields(raw)
  checkShape(first <= 0x7f ? first : 0, fields)
  checkChainId(raw, fields, rules.chainId)
  try {
    // what createTxFromRLP does, from the fields decoded above instead of a second RLP decode (per ERC-20
    // transfer, sender given: ~38 -> ~32 us, scratch benchmark)
    return FROM_FIELDS[first <= 0x7f ? first : 0](fields as Uint8Array[], { common: rules.common })
  } catch (err) {
    const msg = (err as Error).message ?? ''
    if (msg.includes('s-values greater than') || msg.includes('Invalid Signature') || msg.includes('y-parity'))
      throw new InvalidSenderError({ cause: err })
    if (msg.includes('maxFeePerGas cannot be less than maxPriorityFeePerGas')) throw new TipAboveFeeCapError()
    // ethereumjs: '<field> cannot exceed MAX_INTEGER (2^256-1)'; geth names the fee fields.
    if (msg.startsWith('maxFeePerGas cannot') && msg.includes('2^256')) throw new FeeCapVeryHighError()
    if (msg.startsWith('maxPriorityFeePerGas cannot') && msg.includes('2^256')) throw new TipVeryHighError()
    if (msg.includes('overflow') || msg.includes('2^64') || msg.includes('2^256')) throw new GasUintOverflowError()
    throw new TxDecodeError({ cause: err })
  }
}

/** The top-level RLP list of the tx body (after the type byte of a typed tx). */
function decodeFields(raw: Uint8Array): RlpItem[] {
  try {
    const decoded = RLP.decode(raw[0] <= 0x7f ? raw.subarray(1) : raw)
    if (!Array.isArray(decoded)) throw new Error('transaction is not an RLP list')
    return decoded as RlpItem[]
  } catch (err) {
    throw new TxDecodeError({ cause: err })
  }
}

type RlpItem = Uint8Array | RlpItem[]

/** Field layout per type: how many fields signed and unsigned, and where `to` and `data` sit. */
const LAYOUT: Record<number, { signed: number; unsigned: number; to: number; data: number }> = {
  0: { signed: 9, unsigned: 6, to: 3, data: 5 },
  1: { signed: 11, unsigned: 8, to: 4, data: 6 },
  2: { signed: 12, unsigned: 9, to: 5, data: 7 },
  4: { signed: 13, unsigned: 10, to: 5, data: 7 },
}
/** Index of the authorization list in a type-4 tx. */
const AUTH_LIST = 9

/**
 * Checks read straight off the RLP fields, before ethereumjs gets to reject the same txs with its
 * own text: EIP-7702 txs must have a `to` and a non-empty authorization list (geth's
 * ErrSetCodeTxCreate / ErrEmptyAuthList), and a creation's initcode must fit EIP-3860's limit.
 * A list with the wrong number of fields is left to the full decode.
 */
function checkShape(type: number, fields: RlpItem[]): void {
  const layout = LAYOUT[type]
  if (fields.length !== layout.signed && fields.length !== layout.unsigned) return
  const to = fields[layout.to]
  const data = fields[layout.data]
  const create = to instanceof Uint8Array && to.length === 0
  if (type === 4) {
    if (create) throw new SetCodeTxCreateError()
    const auth = fields[AUTH_LIST]
    if (Array.isArray(auth) && auth.length === 0) throw new EmptyAuthListError()
  }
  if (create && data instanceof Uint8Array && data.length > MAX_INITCODE_SIZE)
    throw new MaxInitCodeSizeExceededError({ size: data.length, limit: MAX_INITCODE_SIZE })
}

/** Rejects unprotected legacy txs and foreign chain ids before the (costlier) full decode. */
function checkChainId(raw: Uint8Array, fields: RlpItem[], chainId: bigint): void {
  if (raw[0] <= 0x7f) {
    const field = fields[0]
    if (field === undefined) throw new TxDecodeError({ cause: new Error('too few elements') })
    // geth: 'rlp: expected input string or byte for *big.Int, decoding into (types.…Tx).ChainID'
    if (!(field instanceof Uint8Array))
      throw new TxDecodeError({ cause: new Error('expected input string or byte for chain id') })
    // geth: 'rlp: non-canonical integer (leading zero bytes) for *big.Int, decoding into (types.…Tx).ChainID'
    if (field.length > 0 && field[0] === 0)
      throw new TxDecodeError({ cause: new Error('non-canonical integer (leading zero bytes) for chain id') })
    const got = bytesToBigInt(field)
    if (got !== chainId) throw new InvalidChainIdError({ expected: chainId, got })
    return
  }
  if (fields.length !== LAYOUT[0].signed)
    throw new TxDecodeError({
      cause: new Error(`legacy transaction has ${fields.length} fields, want ${LAYOUT[0].signed}`),
    })
  const vField = fields[6]
  if (!(vField instanceof Uint8Array) || (vField.length > 0 && vField[0] === 0))
    throw new TxDecodeError({ cause: new Error('non-canonical integer (leading zero bytes) for V') })
  const v = bytesToBigInt(vField)
  if (v === 27n || v === 28n) throw new UnprotectedTxError()
  if (v >= 35n) {
    const got = (v - 35n) / 2n
    if (got !== chainId) throw new InvalidChainIdError({ expected: chainId, got })
  }
}
