import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { InvalidParamsError } from '../../core/errors/rpc.ts'
import {
  addressSchema,
  blockNumberSchema,
  blockParamSchema,
  booleanSchema,
  hashSchema,
  hexDataSchema,
  hexOrDecimal64Schema,
  logFilterSchema,
  parseParams,
  quantitySchema,
  storageSlotSchema,
  transactionCallSchema,
  uint64Schema,
} from './params.ts'

const addr = `0x${'Ab'.repeat(20)}`
const hash = `0x${'cD'.repeat(32)}`

/** The -32602 message parseParams throws for `params`, or undefined when they parse. */
function reason(fn: () => unknown): string | undefined {
  try {
    fn()
    return undefined
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidParamsError)
    return (err as InvalidParamsError).shortMessage
  }
}

describe('parseParams', () => {
  it('default', () => {
    const [address, block] = parseParams([addr, 'latest'], [addressSchema, blockParamSchema], { minArgs: 2 })
    expect(address).toBe(addr.toLowerCase())
    expect(block).toEqual({ blockNumber: 'latest' })
  })

  it('behavior: optional trailing arguments may be omitted or null', () => {
    expect(parseParams([{}], [transactionCallSchema, blockParamSchema.optional()], { minArgs: 1 })).toEqual([
      {},
      undefined,
    ])
    expect(
      parseParams([{}, null], [transactionCallSchema, blockParamSchema.default({ blockNumber: 'latest' })]),
    ).toEqual([{}, { blockNumber: 'latest' }])
  })

  it('error: arity is checked like geth', () => {
    expect(reason(() => parseParams([addr, 'latest', 1], [addressSchema, blockParamSchema]))).toBe(
      'too many arguments, want at most 2',
    )
    expect(reason(() => parseParams([null], []))).toBe('too many arguments, want at most 0')
    expect(reason(() => parseParams([addr], [addressSchema, blockParamSchema], { minArgs: 2 }))).toBe(
      'missing value for required argument 1',
    )
    // Without minArgs, a schema that rejects undefined makes the argument required.
    expect(reason(() => parseParams([], [addressSchema]))).toBe('missing value for required argument 0')
    expect(reason(() => parseParams([null], [addressSchema]))).toBe('missing value for required argument 0')
  })

  it('error: invalid arguments carry their index and the geth/Go json wording', () => {
    expect(reason(() => parseParams(['abc'], [addressSchema]))).toBe(
      'invalid argument 0: json: cannot unmarshal hex string without 0x prefix into Go value of type common.Address',
    )
    expect(reason(() => parseParams([addr, 5], [addressSchema, quantitySchema]))).toBe(
      'invalid argument 1: json: cannot unmarshal non-string into Go value of type hexutil.Big',
    )
  })
})

describe('quantity schemas', () => {
  it('default', () => {
    expect(quantitySchema.parse('0x0')).toBe(0n)
    expect(quantitySchema.parse('0xDE0B6B3A7640000')).toBe(10n ** 18n)
    expect(quantitySchema.parse(`0x${'f'.repeat(64)}`)).toBe(2n ** 256n - 1n)
    expect(uint64Schema.parse('0xffffffffffffffff')).toBe(2n ** 64n - 1n)
    expect(quantitySchema.parse('')).toBe(0n) // geth takes '' as zero
  })

  it('error: non-canonical quantities are refused with hexutil messages', () => {
    const msg = (schema: z.ZodType, v: unknown) => reason(() => parseParams([v], [schema]))
    const big = (detail: string) =>
      `invalid argument 0: json: cannot unmarshal ${detail} into Go value of type hexutil.Big`
    expect(msg(quantitySchema, '0x')).toBe(big('hex string "0x"'))
    expect(msg(quantitySchema, '0x01')).toBe(big('hex number with leading zero digits'))
    expect(msg(quantitySchema, '12')).toBe(big('hex string without 0x prefix'))
    expect(msg(quantitySchema, '0xzz')).toBe(big('invalid hex string'))
    expect(msg(quantitySchema, `0x1${'0'.repeat(64)}`)).toBe(big('hex number > 256 bits'))
    expect(msg(quantitySchema, 1)).toBe(big('non-string'))
    expect(msg(uint64Schema, '0x10000000000000000')).toBe(
      'invalid argument 0: json: cannot unmarshal hex number > 64 bits into Go value of type hexutil.Uint64',
    )
  })

  it('behavior: hexOrDecimal64 takes numbers, decimal and hex strings', () => {
    expect(hexOrDecimal64Schema.parse(5)).toBe(5n)
    expect(hexOrDecimal64Schema.parse('5')).toBe(5n)
    expect(hexOrDecimal64Schema.parse('0x0a')).toBe(10n)
    expect(reason(() => parseParams(['x'], [hexOrDecimal64Schema]))).toBe(
      'invalid argument 0: invalid hex or decimal integer "x"',
    )
  })
})

describe('byte schemas', () => {
  it('default', () => {
    expect(hexDataSchema.parse('0xABcd')).toBe('0xabcd')
    expect(hexDataSchema.parse('0x')).toBe('0x')
    expect(addressSchema.parse(addr.toUpperCase().replace('0X', '0x'))).toBe(addr.toLowerCase())
    expect(hashSchema.parse(hash)).toBe(hash.toLowerCase())
    expect(booleanSchema.parse(true)).toBe(true)
  })

  it('behavior: storage slots are decoded leniently and left-padded, as geth', () => {
    expect(storageSlotSchema.parse('0x1')).toBe(`0x${'0'.repeat(63)}1`)
    expect(storageSlotSchema.parse('ff')).toBe(`0x${'0'.repeat(62)}ff`)
    expect(reason(() => parseParams([`0x${'1'.repeat(66)}`], [storageSlotSchema]))).toBe(
      'invalid argument 0: unable to decode storage key: hex string too long, want at most 32 bytes',
    )
  })

  it('error: wrong lengths and syntax use geth messages', () => {
    const one = (schema: z.ZodType, v: unknown) => reason(() => parseParams([v], [schema]))
    expect(one(addressSchema, '0x1234')).toBe('invalid argument 0: hex string has length 4, want 40 for common.Address')
    expect(one(hashSchema, addr)).toBe('invalid argument 0: hex string has length 40, want 64 for common.Hash')
    expect(one(hexDataSchema, '0x123')).toBe(
      'invalid argument 0: json: cannot unmarshal hex string of odd length into Go value of type hexutil.Bytes',
    )
    expect(one(booleanSchema, 'true')).toBe(
      'invalid argument 0: json: cannot unmarshal string into Go value of type bool',
    )
  })
})

describe('block schemas', () => {
  it('default', () => {
    for (const tag of ['latest', 'pending', 'safe', 'finalized', 'earliest'])
      expect(blockNumberSchema.parse(tag)).toBe(tag)
    expect(blockNumberSchema.parse('0x10')).toBe(16n)
  })

  it('behavior: a block parameter is a tag, a number, a hash, or an EIP-1898 object', () => {
    expect(blockParamSchema.parse('0x2a')).toEqual({ blockNumber: 42n })
    expect(blockParamSchema.parse(hash)).toEqual({ blockHash: hash.toLowerCase(), requireCanonical: false })
    expect(blockParamSchema.parse({ blockNumber: '0x1' })).toEqual({ blockNumber: 1n })
    expect(blockParamSchema.parse({ blockNumber: 'safe' })).toEqual({ blockNumber: 'safe' })
    expect(blockParamSchema.parse({ blockHash: hash, requireCanonical: true })).toEqual({
      blockHash: hash.toLowerCase(),
      requireCanonical: true,
    })
  })

  it('error: invalid block parameters use geth messages', () => {
    const one = (schema: z.ZodType, v: unknown) => reason(() => parseParams([v], [schema]))
    expect(one(blockNumberSchema, 'Latest')).toBe('invalid argument 0: hex string without 0x prefix')
    expect(one(blockNumberSchema, 5)).toBe('invalid argument 0: hex string without 0x prefix')
    expect(one(blockNumberSchema, '0x8000000000000000')).toBe('invalid argument 0: block number larger than int64')
    expect(one(blockParamSchema, '0x8000000000000000')).toBe('invalid argument 0: blocknumber too high')
    expect(one(blockParamSchema, { blockNumber: '0x1', blockHash: hash })).toBe(
      'invalid argument 0: cannot specify both BlockHash and BlockNumber, choose one or the other',
    )
    expect(one(blockParamSchema, {})).toBe('invalid argument 0: invalid arguments; neither block nor hash specified')
    expect(one(blockParamSchema, { blockHash: '0x12' })).toBe(
      'invalid argument 0: hex string has length 2, want 64 for common.Hash',
    )
    expect(one(blockParamSchema, `0x${'z'.repeat(64)}`)).toBe('invalid argument 0: invalid hex string')
  })
})

describe('transactionCallSchema', () => {
  it('default', () => {
    expect(
      transactionCallSchema.parse({
        from: addr,
        to: addr,
        gas: '0x5208',
        gasPrice: null,
        maxFeePerGas: '0x3b9aca00',
        maxPriorityFeePerGas: '0x1',
        value: '0xde0b6b3a7640000',
        nonce: '0x0',
        input: '0xAB',
        accessList: [{ address: addr, storageKeys: [hash] }],
        type: '0x02',
        chainId: '0x1',
        authorizationList: [{ chainId: '0x1', address: addr, nonce: '0x0', yParity: '0x1', r: '0x1', s: '0x2' }],
        unknownField: 'ignored',
      }),
    ).toEqual({
      from: addr.toLowerCase(),
      to: addr.toLowerCase(),
      gas: 21000n,
      maxFeePerGas: 1_000_000_000n,
      maxPriorityFeePerGas: 1n,
      value: 10n ** 18n,
      nonce: 0n,
      data: '0xab',
      accessList: [{ address: addr.toLowerCase(), storageKeys: [hash.toLowerCase()] }],
      type: 2,
      chainId: 1n,
      authorizationList: [{ chainId: 1n, address: addr.toLowerCase(), nonce: 0n, yParity: 1, r: 1n, s: 2n }],
    })
  })

  it('behavior: data and input are both accepted and merged when equal', () => {
    expect(transactionCallSchema.parse({ data: '0x01' })).toEqual({ data: '0x01' })
    expect(transactionCallSchema.parse({ data: '0x01', input: '0x01' })).toEqual({ data: '0x01' })
    expect(transactionCallSchema.parse({ to: null })).toEqual({})
  })

  it('behavior: an unusable type is ignored, as geth does', () => {
    expect(transactionCallSchema.parse({ type: 'eip1559' })).toEqual({})
  })

  it('error: conflicting data and input, bad fields and non-objects are refused', () => {
    const one = (v: unknown) => reason(() => parseParams([v], [transactionCallSchema]))
    expect(one({ data: '0x01', input: '0x02' })).toBe(
      'invalid argument 0: both "data" and "input" are set and not equal. Please use "input" to pass transaction call data',
    )
    expect(one({ gas: 21000 })).toBe(
      'invalid argument 0: json: cannot unmarshal non-string into Go struct field TransactionArgs.gas of type hexutil.Uint64',
    )
    expect(one({ accessList: [{ address: 'xyz', storageKeys: [] }] })).toBe(
      'invalid argument 0: json: cannot unmarshal hex string without 0x prefix into Go struct field TransactionArgs.accessList.address of type common.Address',
    )
    expect(one({ accessList: [{ address: addr }] })).toBe(
      "invalid argument 0: missing required field 'storageKeys' for AccessTuple",
    )
    expect(one('0x')).toBe(
      'invalid argument 0: json: cannot unmarshal string into Go value of type ethapi.TransactionArgs',
    )
  })
})

describe('logFilterSchema', () => {
  it('default', () => {
    expect(
      logFilterSchema.parse({ fromBlock: '0x1', toBlock: 'latest', address: addr, topics: [hash, null, [hash, hash]] }),
    ).toEqual({
      fromBlock: 1n,
      toBlock: 'latest',
      address: [addr.toLowerCase()],
      topics: [[hash.toLowerCase()], null, [hash.toLowerCase(), hash.toLowerCase()]],
    })
  })

  it('behavior: null inside an OR-list, or an empty list, makes the position a wildcard', () => {
    expect(logFilterSchema.parse({ topics: [[hash, null], []] })).toEqual({ topics: [null, null] })
    expect(logFilterSchema.parse({ address: [addr, addr], blockHash: hash })).toEqual({
      address: [addr.toLowerCase(), addr.toLowerCase()],
      blockHash: hash.toLowerCase(),
    })
  })

  it('error: invalid filters use geth messages', () => {
    const one = (v: unknown) => reason(() => parseParams([v], [logFilterSchema]))
    expect(one({ blockHash: hash, fromBlock: '0x1' })).toBe(
      'invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other',
    )
    expect(one({ address: '0x12' })).toBe(
      'invalid argument 0: invalid address: hex has invalid length 1 after decoding; expected 20 for address',
    )
    expect(one({ address: [addr, 1] })).toBe('invalid argument 0: non-string address at index 1')
    expect(one({ address: 1 })).toBe('invalid argument 0: invalid addresses in query')
    expect(one({ topics: [1] })).toBe('invalid argument 0: invalid topic(s)')
    expect(one({ topics: ['0x12'] })).toBe(
      'invalid argument 0: hex has invalid length 1 after decoding; expected 32 for topic',
    )
    expect(one({ topics: [null, null, null, null, null] })).toBe('invalid argument 0: exceed max topics')
  })
})
