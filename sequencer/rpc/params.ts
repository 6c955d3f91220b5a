import type { Address, Hash, Hex } from 'viem'
import { z } from 'zod'
import { InvalidParamsError } from '../../core/errors/rpc.ts'

// Parameter decoding with geth's semantics and messages, so a client that works against geth sees the same
// answers here: strict hex quantities (no leading zeros), `null` struct fields treated as absent, unknown
// struct fields ignored, and errors worded like Go's encoding/json + geth's hexutil
// (e.g. 'invalid argument 0: json: cannot unmarshal hex string without 0x prefix into Go value of type common.Address').

/** A named block: geth's `rpc.BlockNumber` tags. */
export type BlockTag = 'latest' | 'pending' | 'safe' | 'finalized' | 'earliest'

/** A block by tag or number. */
export type BlockNumberOrTag = BlockTag | bigint

/** A block by number/tag, or by hash per EIP-1898 (`requireCanonical` defaults to false). */
export type BlockSelector = { blockNumber: BlockNumberOrTag } | { blockHash: Hash; requireCanonical: boolean }

/** An EIP-2930 access list. */
export type AccessList = { address: Address; storageKeys: Hash[] }[]

/** One EIP-7702 authorization tuple as JSON-RPC carries it. */
export type RpcAuthorization = {
  chainId: bigint
  address: Address
  nonce: bigint
  yParity: number
  r: bigint
  s: bigint
}

/**
 * A transaction call object (eth_call, eth_estimateGas, eth_createAccessList, eth_sendTransaction), normalized:
 * `data`/`input` merged into `data`, addresses lowercase, quantities bigint, absent or null fields undefined
 * (`to` undefined means contract creation). `type` is undefined when missing or not a valid quantity, since geth ignores it.
 */
export type TransactionCall = {
  from?: Address
  to?: Address
  gas?: bigint
  gasPrice?: bigint
  maxFeePerGas?: bigint
  maxPriorityFeePerGas?: bigint
  maxFeePerBlobGas?: bigint
  value?: bigint
  nonce?: bigint
  data?: Hex
  accessList?: AccessList
  type?: number
  chainId?: bigint
  authorizationList?: RpcAuthorization[]
  blobVersionedHashes?: Hash[]
}

/**
 * A log filter object (eth_getLogs, eth_newFilter, `logs` subscriptions), normalized: `address` always a list,
 * each topic position `null` (wildcard) or a non-empty OR-list. Pass it straight to `matchesLogFilter`.
 */
export type LogFilterCriteria = {
  fromBlock?: BlockNumberOrTag
  toBlock?: BlockNumberOrTag
  blockHash?: Hash
  address?: Address[]
  topics?: (Hash[] | null)[]
}

/** Why a value did not decode: Go's 'json: cannot unmarshal <value> into … of type <goType>' form, or a plain message. */
class DecodeFailure extends Error {
  /** Field names / indexes from the decoded root down to the failing value. */
  readonly path: (string | number)[] = []
  /** The outermost Go struct the value sat in, for 'Go struct field <struct>.<path>'. */
  struct: string | undefined
  constructor(readonly detail: { goValue: string; goType: string } | { message: string }) {
    super('goValue' in detail ? detail.goValue : detail.message)
  }
}

const typeError = (goValue: string, goType: string) => new DecodeFailure({ goValue, goType })
const plainError = (message: string) => new DecodeFailure({ message })

/** Renders a failure like geth; `outerPath` is where a composed zod schema placed the failing value. */
function describeFailure(failure: DecodeFailure, outerPath: readonly PropertyKey[] = []): string {
  const { detail } = failure
  if ('message' in detail) return detail.message
  // Go's field path names struct fields only, never array indexes.
  const fields = [...outerPath, ...failure.path].filter((p) => typeof p === 'string')
  if (fields.length === 0) return `json: cannot unmarshal ${detail.goValue} into Go value of type ${detail.goType}`
  const field = failure.struct ? `${failure.struct}.${fields.join('.')}` : fields.join('.')
  return `json: cannot unmarshal ${detail.goValue} into Go struct field ${field} of type ${detail.goType}`
}

/** A zod schema around one of the decoders below; the failure rides along in the issue so `parseParams` can word it. */
function goSchema<T>(decode: (input: unknown) => T) {
  return z.unknown().transform((input, ctx): T => {
    try {
      return decode(input)
    } catch (err) {
      if (!(err instanceof DecodeFailure)) throw err
      ctx.addIssue({ code: 'custom', message: describeFailure(err), params: { failure: err } })
      return z.NEVER
    }
  })
}

/** The JSON kind of a value in Go's words ('string', 'number', 'bool', 'object', 'array'). */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'object') return 'object'
  return typeof value
}

const hexDigits = /^[0-9a-fA-F]*$/
const has0xPrefix = (s: string) => s.length >= 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X')

/** hexutil's number checks, in its order; returns the digits or the failing hexutil message. */
function checkQuantityText(s: string, maxDigits: number): string | { error: string } {
  if (!has0xPrefix(s)) return { error: 'hex string without 0x prefix' }
  const digits = s.slice(2)
  if (digits.length === 0) return { error: 'hex string "0x"' }
  if (digits.length > 1 && digits[0] === '0') return { error: 'hex number with leading zero digits' }
  if (digits.length > maxDigits) return { error: maxDigits === 16 ? 'hex number > 64 bits' : 'hex number > 256 bits' }
  if (!hexDigits.test(digits)) return { error: 'invalid hex string' }
  return digits
}

/** hexutil.Big / hexutil.Uint64 / hexutil.U256: a canonical hex quantity (geth also takes '' as zero). */
function decodeQuantity(input: unknown, maxDigits: 16 | 64, goType: string): bigint {
  if (typeof input !== 'string') throw typeError('non-string', goType)
  if (input === '') return 0n
  const digits = checkQuantityText(input, maxDigits)
  if (typeof digits !== 'string') throw typeError(digits.error, goType)
  return BigInt(`0x${digits}`)
}

/** hexutil.Bytes: even-length hex with 0x ('' is empty data, as in geth). */
function decodeBytes(input: unknown): Hex {
  if (typeof input !== 'string') throw typeError('non-string', 'hexutil.Bytes')
  if (input === '') return '0x'
  if (!has0xPrefix(input)) throw typeError('hex string without 0x prefix', 'hexutil.Bytes')
  const digits = input.slice(2)
  if (digits.length % 2 !== 0) throw typeError('hex string of odd length', 'hexutil.Bytes')
  if (!hexDigits.test(digits)) throw typeError('invalid hex string', 'hexutil.Bytes')
  return `0x${digits.toLowerCase()}`
}

/** common.Address / common.Hash: exactly `byteLength` bytes of hex with 0x, any letter case. */
function decodeFixed(input: unknown, byteLength: number, goType: string): Hex {
  if (typeof input !== 'string') throw typeError('non-string', goType)
  if (input !== '' && !has0xPrefix(input)) throw typeError('hex string without 0x prefix', goType)
  const digits = input.slice(2)
  if (digits.length % 2 !== 0) throw typeError('hex string of odd length', goType)
  if (digits.length !== byteLength * 2)
    throw plainError(`hex string has length ${digits.length}, want ${byteLength * 2} for ${goType}`)
  if (!hexDigits.test(digits)) throw typeError('invalid hex string', goType)
  return `0x${digits.toLowerCase()}`
}

const decodeAddress = (input: unknown) => decodeFixed(input, 20, 'common.Address') as Address
const decodeHash = (input: unknown) => decodeFixed(input, 32, 'common.Hash') as Hash

const blockTags: ReadonlySet<string> = new Set<BlockTag>(['latest', 'pending', 'safe', 'finalized', 'earliest'])
const maxInt64 = 2n ** 63n - 1n

/** hexutil.DecodeUint64 as geth's block number parsing uses it: plain messages, no Go type wrapper. */
function decodeUint64Text(s: string): bigint {
  if (s === '') throw plainError('empty hex string')
  const digits = checkQuantityText(s, 16)
  if (typeof digits !== 'string') throw plainError(digits.error)
  return BigInt(`0x${digits}`)
}

/** rpc.BlockNumber: a tag or a hex number ≤ int64 (a bare JSON number fails as 'hex string without 0x prefix', like geth). */
function decodeBlockNumber(input: unknown): BlockNumberOrTag {
  if (typeof input !== 'string') throw plainError('hex string without 0x prefix')
  if (blockTags.has(input)) return input as BlockTag
  const n = decodeUint64Text(input)
  if (n > maxInt64) throw plainError('block number larger than int64')
  return n
}

/** rpc.BlockNumberOrHash: a tag, a number, a 32-byte hash string, or an EIP-1898 object. */
function decodeBlockSelector(input: unknown): BlockSelector {
  if (typeof input === 'string') {
    if (blockTags.has(input)) return { blockNumber: input as BlockTag }
    // geth reads a 66-character string as a block hash.
    if (input.length === 66) {
      try {
        return { blockHash: decodeHash(input), requireCanonical: false }
      } catch (err) {
        // geth decodes this text without the JSON type wrapper: the bare hexutil message.
        const { detail } = err as DecodeFailure
        throw plainError('goValue' in detail ? detail.goValue : detail.message)
      }
    }
    const n = decodeUint64Text(input)
    if (n > maxInt64) throw plainError('blocknumber too high')
    return { blockNumber: n }
  }
  return decodeStruct(input, 'rpc.BlockNumberOrHash', (obj) => {
    const blockNumber = field(obj, 'blockNumber', decodeBlockNumber)
    const blockHash = field(obj, 'blockHash', decodeHash)
    const requireCanonical = field(obj, 'requireCanonical', decodeBool) ?? false
    if (blockNumber !== undefined && blockHash !== undefined)
      throw plainError('cannot specify both BlockHash and BlockNumber, choose one or the other')
    if (blockHash !== undefined) return { blockHash, requireCanonical }
    if (blockNumber !== undefined) return { blockNumber }
    throw plainError('invalid arguments; neither block nor hash specified')
  })
}

function decodeBool(input: unknown): boolean {
  if (typeof input !== 'boolean') throw typeError(jsonKind(input), 'bool')
  return input
}

/** math.HexOrDecimal64: a JSON number, or a string in decimal or 0x-hex (eth_feeHistory's blockCount). */
function decodeHexOrDecimal64(input: unknown): bigint {
  const text = typeof input === 'number' ? String(input) : input
  if (typeof text !== 'string') throw typeError(jsonKind(input), 'math.HexOrDecimal64')
  const ok = has0xPrefix(text) ? /^0[xX][0-9a-fA-F]{1,16}$/.test(text) : /^[0-9]{1,20}$/.test(text)
  const n = ok ? BigInt(has0xPrefix(text) ? `0x${text.slice(2)}` : text) : -1n
  if (n < 0n || n > 2n ** 64n - 1n) throw plainError(`invalid hex or decimal integer ${JSON.stringify(text)}`)
  return n
}

/** geth's storage-key decoding for eth_getStorageAt: lenient hex (prefix optional, odd length padded), ≤ 32 bytes. */
function decodeStorageSlot(input: unknown): Hash {
  if (typeof input !== 'string') throw typeError(jsonKind(input), 'string')
  let digits = has0xPrefix(input) ? input.slice(2) : input
  if (digits.length % 2 === 1) digits = `0${digits}`
  if (!hexDigits.test(digits)) throw plainError('unable to decode storage key: hex string invalid')
  if (digits.length > 64) throw plainError('unable to decode storage key: hex string too long, want at most 32 bytes')
  return `0x${digits.toLowerCase().padStart(64, '0')}`
}

/** Decodes an object's fields inside `fn`, naming the outermost struct in any failure (as Go's decoder does). */
function decodeStruct<T>(input: unknown, goType: string, fn: (obj: Record<string, unknown>) => T): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw typeError(jsonKind(input), goType)
  try {
    return fn(input as Record<string, unknown>)
  } catch (err) {
    if (err instanceof DecodeFailure) err.struct = goType.slice(goType.lastIndexOf('.') + 1)
    throw err
  }
}

/** One optional struct field: absent or null is undefined (a nil pointer in geth). */
function field<T>(obj: Record<string, unknown>, name: string, decode: (input: unknown) => T): T | undefined {
  const value = Object.hasOwn(obj, name) ? obj[name] : undefined
  if (value === undefined || value === null) return undefined
  return at(name, () => decode(value))
}

/** A struct field gencodec marks required; geth's message when it is missing. */
function requiredField<T>(obj: Record<string, unknown>, name: string, struct: string, decode: (v: unknown) => T): T {
  const value = field(obj, name, decode)
  if (value === undefined) throw plainError(`missing required field '${name}' for ${struct}`)
  return value
}

function decodeList<T>(input: unknown, goType: string, decode: (input: unknown) => T): T[] {
  if (!Array.isArray(input)) throw typeError(jsonKind(input), goType)
  return input.map((item, i) => at(i, () => decode(item)))
}

/** Runs `fn`, prefixing any failure's path with `key`. */
function at<T>(key: string | number, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof DecodeFailure) err.path.unshift(key)
    throw err
  }
}

function decodeAccessList(input: unknown): AccessList {
  return decodeList(input, 'types.AccessList', (item) =>
    decodeStruct(item, 'types.AccessTuple', (obj) => ({
      address: requiredField(obj, 'address', 'AccessTuple', decodeAddress),
      storageKeys: requiredField(obj, 'storageKeys', 'AccessTuple', (v) => decodeList(v, '[]common.Hash', decodeHash)),
    })),
  )
}

function decodeAuthorizationList(input: unknown): RpcAuthorization[] {
  const struct = 'SetCodeAuthorization'
  const u256 = (v: unknown) => decodeQuantity(v, 64, 'hexutil.U256')
  const u64 = (v: unknown) => decodeQuantity(v, 16, 'hexutil.Uint64')
  return decodeList(input, '[]types.SetCodeAuthorization', (item) =>
    decodeStruct(item, `types.${struct}`, (obj) => ({
      chainId: requiredField(obj, 'chainId', struct, u256),
      address: requiredField(obj, 'address', struct, decodeAddress),
      nonce: requiredField(obj, 'nonce', struct, u64),
      yParity: Number(requiredField(obj, 'yParity', struct, u64) & 0xffn),
      r: requiredField(obj, 'r', struct, u256),
      s: requiredField(obj, 's', struct, u256),
    })),
  )
}

/** ethapi.TransactionArgs. */
function decodeTransactionCall(input: unknown): TransactionCall {
  return decodeStruct(input, 'ethapi.TransactionArgs', (obj) => {
    const big = (v: unknown) => decodeQuantity(v, 64, 'hexutil.Big')
    const u64 = (v: unknown) => decodeQuantity(v, 16, 'hexutil.Uint64')
    const data = field(obj, 'data', decodeBytes)
    const inputData = field(obj, 'input', decodeBytes)
    if (data !== undefined && inputData !== undefined && data !== inputData)
      throw plainError(
        'both "data" and "input" are set and not equal. Please use "input" to pass transaction call data',
      )
    const call: TransactionCall = {
      from: field(obj, 'from', decodeAddress),
      to: field(obj, 'to', decodeAddress),
      gas: field(obj, 'gas', u64),
      gasPrice: field(obj, 'gasPrice', big),
      maxFeePerGas: field(obj, 'maxFeePerGas', big),
      maxPriorityFeePerGas: field(obj, 'maxPriorityFeePerGas', big),
      maxFeePerBlobGas: field(obj, 'maxFeePerBlobGas', big),
      value: field(obj, 'value', big),
      nonce: field(obj, 'nonce', u64),
      data: inputData ?? data,
      accessList: field(obj, 'accessList', decodeAccessList),
      type: decodeTxType(obj.type),
      chainId: field(obj, 'chainId', big),
      authorizationList: field(obj, 'authorizationList', decodeAuthorizationList),
      blobVersionedHashes: field(obj, 'blobVersionedHashes', (v) => decodeList(v, '[]common.Hash', decodeHash)),
    }
    // Keep the object free of explicit undefined members, so spreading it over defaults works.
    for (const key of Object.keys(call) as (keyof TransactionCall)[]) if (call[key] === undefined) delete call[key]
    return call
  })
}

/** geth's TransactionArgs has no `type` and ignores it; we read it when it is a plausible type byte, else drop it. */
function decodeTxType(input: unknown): number | undefined {
  if (typeof input !== 'string' || !/^0[xX][0-9a-fA-F]{1,2}$/.test(input)) return undefined
  return Number.parseInt(input.slice(2), 16)
}

const maxTopics = 4
const maxAddresses = 1000

/** hexutil.Decode as filters use it: plain messages. */
function decodeFilterHex(s: string, byteLength: number, what: string): Hex {
  if (s === '') throw plainError('empty hex string')
  if (!has0xPrefix(s)) throw plainError('hex string without 0x prefix')
  const digits = s.slice(2)
  if (digits.length % 2 !== 0) throw plainError('hex string of odd length')
  if (!hexDigits.test(digits)) throw plainError('invalid hex string')
  if (digits.length !== byteLength * 2)
    throw plainError(`hex has invalid length ${digits.length / 2} after decoding; expected ${byteLength} for ${what}`)
  return `0x${digits.toLowerCase()}`
}

/** filters.FilterCriteria, with geth's messages from its custom UnmarshalJSON and its API limits. */
function decodeLogFilter(input: unknown): LogFilterCriteria {
  return decodeStruct(input, 'filters.FilterCriteria', (obj) => {
    const criteria: LogFilterCriteria = {}
    const blockHash = field(obj, 'blockHash', decodeHash)
    const fromBlock = field(obj, 'fromBlock', decodeBlockNumber)
    const toBlock = field(obj, 'toBlock', decodeBlockNumber)
    if (blockHash !== undefined) {
      if (fromBlock !== undefined || toBlock !== undefined)
        throw plainError('cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other')
      criteria.blockHash = blockHash
    } else {
      if (fromBlock !== undefined) criteria.fromBlock = fromBlock
      if (toBlock !== undefined) criteria.toBlock = toBlock
    }

    const address = obj.address
    if (typeof address === 'string') {
      try {
        criteria.address = [decodeFilterHex(address, 20, 'address') as Address]
      } catch (err) {
        throw plainError(`invalid address: ${(err as Error).message}`)
      }
    } else if (Array.isArray(address)) {
      if (address.length > maxAddresses) throw plainError('exceed max addresses')
      criteria.address = address.map((a, i) => {
        if (typeof a !== 'string') throw plainError(`non-string address at index ${i}`)
        try {
          return decodeFilterHex(a, 20, 'address') as Address
        } catch (err) {
          throw plainError(`invalid address at index ${i}: ${(err as Error).message}`)
        }
      })
    } else if (address !== undefined && address !== null) {
      throw plainError('invalid addresses in query')
    }

    const topics = obj.topics
    if (Array.isArray(topics)) {
      if (topics.length > maxTopics) throw plainError('exceed max topics')
      criteria.topics = topics.map((position) => decodeTopicPosition(position))
    } else if (topics !== undefined && topics !== null) {
      throw plainError('invalid topic(s)')
    }
    return criteria
  })
}

/** One topic position: null, a topic, or an OR-list in which a null (or emptiness) makes the position a wildcard. */
function decodeTopicPosition(position: unknown): Hash[] | null {
  if (position === null) return null
  if (typeof position === 'string') return [decodeFilterHex(position, 32, 'topic') as Hash]
  if (!Array.isArray(position)) throw plainError('invalid topic(s)')
  const alternatives: Hash[] = []
  for (const topic of position) {
    // geth stops at the first null of an OR-list: the whole position matches anything.
    if (topic === null) return null
    if (typeof topic !== 'string') throw plainError('invalid topic(s)')
    alternatives.push(decodeFilterHex(topic, 32, 'topic') as Hash)
  }
  return alternatives.length === 0 ? null : alternatives
}

/** A hex quantity of at most 256 bits (hexutil.Big): value, gas price, balance. */
export const quantitySchema = goSchema((v) => decodeQuantity(v, 64, 'hexutil.Big'))
/** A hex quantity of at most 64 bits (hexutil.Uint64): gas, nonce, index. */
export const uint64Schema = goSchema((v) => decodeQuantity(v, 16, 'hexutil.Uint64'))
/** A uint64 as a JSON number, a decimal string or a 0x-hex string (math.HexOrDecimal64), as eth_feeHistory's blockCount. */
export const hexOrDecimal64Schema = goSchema(decodeHexOrDecimal64)
/** Arbitrary hex bytes (hexutil.Bytes), lowercased: calldata, raw transactions. */
export const hexDataSchema = goSchema(decodeBytes)
/** A 20-byte address in any letter case (no EIP-55 check, like geth), lowercased. */
export const addressSchema = goSchema(decodeAddress)
/** A 32-byte hash, lowercased. */
export const hashSchema = goSchema(decodeHash)
/** An eth_getStorageAt slot: geth's lenient key decoding, left-padded to 32 bytes. */
export const storageSlotSchema = goSchema(decodeStorageSlot)
/** A JSON boolean (eth_getBlockByNumber's `hydrated`). */
export const booleanSchema = goSchema(decodeBool)
/** A block tag or hex number (rpc.BlockNumber): eth_getBlockByNumber, filter bounds. */
export const blockNumberSchema = goSchema(decodeBlockNumber)
/** A block tag, number, hash, or EIP-1898 object (rpc.BlockNumberOrHash): eth_getBalance, eth_call … */
export const blockParamSchema = goSchema(decodeBlockSelector)
/** A transaction call object (ethapi.TransactionArgs), normalized to `TransactionCall`. */
export const transactionCallSchema = goSchema(decodeTransactionCall)
/** A log filter object (filters.FilterCriteria), normalized to `LogFilterCriteria`. */
export const logFilterSchema = goSchema(decodeLogFilter)

type ParsedParams<S extends readonly z.ZodType[]> = {
  -readonly [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never
}

/**
 * Decodes positional params against one schema per position, with geth's arity rules and messages (-32602).
 * A missing or null argument is passed to its schema as `undefined`: give optional positions `.optional()` or
 * `.default(…)`; positions below `minArgs` are required regardless.
 * @example const [address, block] = parseParams(params, [addressSchema, blockParamSchema], { minArgs: 2 })
 */
export function parseParams<const S extends readonly z.ZodType[]>(
  params: readonly unknown[],
  schemas: S,
  options: { minArgs?: number } = {},
): ParsedParams<S> {
  if (params.length > schemas.length)
    throw new InvalidParamsError({ reason: `too many arguments, want at most ${schemas.length}` })
  const minArgs = options.minArgs ?? 0
  return schemas.map((schema, i) => {
    const value = params[i] ?? undefined
    if (value === undefined && i < minArgs) throw missingArgument(i)
    const parsed = schema.safeParse(value)
    if (parsed.success) return parsed.data
    if (value === undefined) throw missingArgument(i)
    const issue = parsed.error.issues[0]
    const failure = issue.code === 'custom' ? issue.params?.failure : undefined
    const reason =
      failure instanceof DecodeFailure
        ? describeFailure(failure, issue.path)
        : issue.path.length > 0
          ? `${issue.path.join('.')}: ${issue.message}`
          : issue.message
    throw new InvalidParamsError({ reason: `invalid argument ${i}: ${reason}`, cause: parsed.error })
  }) as ParsedParams<S>
}

/**
 * Built only when thrown: an error captures a stack trace, which cost ~3% of the main thread under load. A module
 * function, not a named closure per argument (tsx wraps each one, as it is created, in a `__name` call).
 */
function missingArgument(i: number): InvalidParamsError {
  return new InvalidParamsError({ reason: `missing value for required argument ${i}` })
}
