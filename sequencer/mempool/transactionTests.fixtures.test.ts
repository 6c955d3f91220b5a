import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Hardfork } from '@ethereumjs/common'
import { RLP } from '@ethereumjs/rlp'
import { createTxFromRLP } from '@ethereumjs/tx'
import { bytesToBigInt, bytesToHex, hexToBytes } from '@ethereumjs/util'
import { describe, expect, it } from 'vitest'
import { createChainCommon } from '../../core/chain/createChainCommon.ts'
import { BaseError } from '../../core/errors/base.ts'
import { loadEthereumTests } from '../../core/trie/testing/loadEthereumTests.ts'
import { decodeRawTransaction, type IntakeRules, MAX_TX_SIZE } from './decodeRawTransaction.ts'

// Our transaction intake against ethereum/tests TransactionTests (raw tx bytes with, per fork, the
// expected sender/hash or the expected rejection). Each fixture is judged by the newest fork it has
// a result for, with the Common built for that fork on mainnet (chain id 1). The fixtures' commit
// predates Prague, so in practice that is Cancun, else Shanghai; two malformed-RLP fixtures only go
// up to London and run under London (their rejection does not depend on the fork).

type ForkResult = { hash?: string; sender?: string; intrinsicGas?: string; exception?: string }
type Fixture = Record<string, { txbytes: string; result: Record<string, ForkResult> }>

/** Newest first. */
const FORKS: [name: string, hardfork: Hardfork][] = [
  ['Prague', Hardfork.Prague],
  ['Cancun', Hardfork.Cancun],
  ['Shanghai', Hardfork.Shanghai],
  ['Paris', Hardfork.Paris],
  ['London', Hardfork.London],
]

/**
 * Rejections our pool adds on purpose on top of consensus validity. `applies` re-derives the rule
 * from the raw bytes, so a fixture cannot be listed here for a rejection it does not trigger.
 */
const POOL_RULES = {
  UnprotectedTxError: {
    reason:
      "unprotected legacy txs (v = 27/28) are refused over RPC ('only replay-protected (EIP-155) transactions allowed over RPC')",
    applies: (raw: Uint8Array) => {
      if (raw[0] <= 0x7f) return false
      const v = (RLP.decode(raw) as Uint8Array[])[6]
      return v instanceof Uint8Array && [27n, 28n].includes(bytesToBigInt(v))
    },
  },
  TxTypeNotSupportedError: {
    reason: "blob txs (type 3) are not accepted ('transaction type not supported')",
    applies: (raw: Uint8Array) => raw[0] === 3,
  },
  OversizedDataError: {
    reason: "txs over 128 KiB are refused ('oversized data')",
    applies: (raw: Uint8Array) => raw.length > MAX_TX_SIZE,
  },
} as const
type PoolRule = keyof typeof POOL_RULES

/** Consensus-valid fixtures that our intake refuses by a pool rule (fixture path, without `.json`). */
const DELIBERATELY_REJECTED: Record<string, PoolRule> = Object.fromEntries(
  [
    'ttAddress/AddressLessThan20Prefixed0',
    'ttData/DataTestEnoughGAS',
    'ttData/DataTestFirstZeroBytes',
    'ttData/DataTestLastZeroBytes',
    'ttData/DataTestZeroBytes',
    'ttData/dataTx_bcValidBlockTest',
    'ttEIP2028/DataTestSufficientGas2028',
    'ttEIP3860/DataTestEnoughGasInitCode',
    'ttEIP3860/DataTestInitCodeLimit',
    'ttGasLimit/TransactionWithHighGasLimit63',
    'ttGasLimit/TransactionWithHighGasLimit63Minus1',
    'ttGasLimit/TransactionWithHighGasLimit63Plus1',
    'ttGasLimit/TransactionWithHighGasLimit64Minus1',
    'ttGasPrice/TransactionWithHighGasPrice',
    'ttGasPrice/TransactionWithHighGasPrice2',
    'ttNonce/TransactionWithEmptyBigInt',
    'ttNonce/TransactionWithHighNonce32',
    'ttNonce/TransactionWithHighNonce64Minus2',
    'ttRSValue/TransactionWithRSvalue1',
    'ttRSValue/TransactionWithRvalue1',
    'ttRSValue/TransactionWithRvaluePrefixed00',
    'ttRSValue/TransactionWithSvalue1',
    'ttRSValue/TransactionWithSvalueEqual_c_secp256k1n_x05',
    'ttRSValue/TransactionWithSvalueLessThan_c_secp256k1n_x05',
    'ttRSValue/TransactionWithSvaluePrefixed00',
    'ttRSValue/unpadedRValue',
    'ttSignature/RightVRSTest',
    'ttSignature/SenderTest',
    'ttSignature/Vitalik_12',
    'ttSignature/Vitalik_13',
    'ttSignature/Vitalik_14',
    'ttSignature/libsecp256k1test',
    'ttValue/TransactionWithHighValue',
  ].map((path) => [path, 'UnprotectedTxError']),
)

/**
 * The error each consensus-invalid fixture gets from our intake, to notice when a rejection changes
 * kind. UnprotectedTxError entries are rejected by the pool rule before any consensus check runs.
 */
const REJECTED_WITH: Record<string, string[]> = {
  TipVeryHighError: ['ttEIP1559/maxPriorityFeePerGasOverflow'],
  FeeCapVeryHighError: ['ttEIP1559/maxFeePerGasOverflow'],
  GasUintOverflowError: [
    'ttEIP1559/GasLimitPriceProductOverflow',
    'ttEIP1559/GasLimitPriceProductPlusOneOverflow',
    'ttEIP1559/maxFeePerGas32BytesValue',
  ],
  InvalidChainIdError: [
    'ttRSValue/RightVRSTestF0000000a',
    'ttRSValue/RightVRSTestF0000000b',
    'ttRSValue/RightVRSTestF0000000c',
    'ttRSValue/RightVRSTestF0000000d',
    'ttRSValue/RightVRSTestF0000000e',
    'ttRSValue/RightVRSTestF0000000f',
    'ttSignature/Vitalik_15',
    'ttSignature/Vitalik_16',
    'ttSignature/Vitalik_17',
    'ttSignature/WrongVRSTestVOverflow',
    'ttVValue/InvalidChainID0ValidV0',
    'ttVValue/InvalidChainID0ValidV1',
    'ttVValue/V_overflow32bit',
    'ttVValue/V_overflow32bitSigned',
    'ttVValue/V_overflow64bitPlus27',
    'ttVValue/V_overflow64bitPlus28',
    'ttVValue/V_overflow64bitSigned',
    'ttVValue/V_wrongvalue_101',
    'ttVValue/V_wrongvalue_121',
    'ttVValue/V_wrongvalue_122',
    'ttVValue/V_wrongvalue_123',
    'ttVValue/V_wrongvalue_124',
    'ttVValue/V_wrongvalue_ff',
    'ttVValue/V_wrongvalue_ffff',
    'ttVValue/ValidChainID1InvalidV0',
    'ttVValue/ValidChainID1InvalidV1',
    'ttVValue/WrongVRSTestVEqual36',
    'ttVValue/WrongVRSTestVEqual39',
    'ttVValue/WrongVRSTestVEqual41',
    'ttWrongRLP/tr201506052141PYTHON',
  ],
  InvalidSenderError: ['ttSignature/EmptyTransaction', 'ttSignature/ZeroSigTransaction'],
  MaxInitCodeSizeExceededError: ['ttEIP3860/DataTestInitCodeTooBig'],
  TipAboveFeeCapError: ['ttEIP1559/maxPriorityFeePerGass32BytesValue'],
  TxDecodeError: [
    'ttRSValue/RightVRSTestVPrefixedBy0',
    'ttRSValue/RightVRSTestVPrefixedBy0_2',
    'ttRSValue/RightVRSTestVPrefixedBy0_3',
    'ttSignature/TransactionWithTooFewRLPElements',
    'ttSignature/TransactionWithTooManyRLPElements',
    'ttEIP1559/maxFeePerGas00prefix',
    'ttEIP1559/maxPriorityFeePerGas00prefix',
    'ttEIP2930/accessListAddressGreaterThan20',
    'ttEIP2930/accessListAddressLessThan20',
    'ttEIP2930/accessListAddressPrefix00',
    'ttEIP2930/accessListStorage0x0001',
    'ttEIP2930/accessListStorageOver32Bytes',
    'ttEIP2930/accessListStoragePrefix00',
    'ttSignature/ZeroSigTransaction2',
    'ttSignature/ZeroSigTransaction3',
    'ttSignature/ZeroSigTransaction4',
    'ttSignature/ZeroSigTransaction5',
    'ttSignature/ZeroSigTransaction6',
    'ttVValue/ValidChainID1InvalidV00',
    'ttVValue/ValidChainID1InvalidV01',
    'ttVValue/WrongVRSTestVEqual26',
    'ttVValue/WrongVRSTestVEqual29',
    'ttVValue/WrongVRSTestVEqual31',
    'ttWrongRLP/RLPArrayLengthWithFirstZeros',
    'ttWrongRLP/RLPExtraRandomByteAtTheEnd',
    'ttWrongRLP/RLPHeaderSizeOverflowInt32',
    'ttWrongRLP/RLPIncorrectByteEncoding00',
    'ttWrongRLP/RLPIncorrectByteEncoding01',
    'ttWrongRLP/RLPIncorrectByteEncoding127',
    'ttWrongRLP/RLPListLengthWithFirstZeros',
    'ttWrongRLP/RLPTransactionGivenAsArray',
    'ttWrongRLP/RLP_04_maxFeePerGas32BytesValue',
    'ttWrongRLP/TRANSCT_HeaderGivenAsArray_0',
    'ttWrongRLP/TRANSCT_HeaderLargerThanRLP_0',
    'ttWrongRLP/TRANSCT__RandomByteAtRLP_0',
    'ttWrongRLP/TRANSCT__RandomByteAtRLP_1',
    'ttWrongRLP/TRANSCT__RandomByteAtRLP_2',
    'ttWrongRLP/TRANSCT__RandomByteAtRLP_3',
    'ttWrongRLP/TRANSCT__RandomByteAtRLP_4',
    'ttWrongRLP/TRANSCT__RandomByteAtRLP_5',
    'ttWrongRLP/TRANSCT__RandomByteAtRLP_6',
    'ttWrongRLP/TRANSCT__RandomByteAtRLP_7',
    'ttWrongRLP/TRANSCT__RandomByteAtRLP_8',
    'ttWrongRLP/TRANSCT__RandomByteAtRLP_9',
    'ttWrongRLP/TRANSCT__RandomByteAtTheEnd',
    'ttWrongRLP/TRANSCT__ZeroByteAtRLP_0',
    'ttWrongRLP/TRANSCT__ZeroByteAtRLP_1',
    'ttWrongRLP/TRANSCT__ZeroByteAtRLP_2',
    'ttWrongRLP/TRANSCT__ZeroByteAtRLP_3',
    'ttWrongRLP/TRANSCT__ZeroByteAtRLP_4',
    'ttWrongRLP/TRANSCT__ZeroByteAtRLP_5',
    'ttWrongRLP/TRANSCT__ZeroByteAtRLP_6',
    'ttWrongRLP/TRANSCT__ZeroByteAtRLP_7',
    'ttWrongRLP/TRANSCT__ZeroByteAtRLP_8',
    'ttWrongRLP/TRANSCT__ZeroByteAtRLP_9',
    'ttWrongRLP/TRANSCT_gasLimit_GivenAsList',
    'ttWrongRLP/TRANSCT_rvalue_GivenAsList',
    'ttWrongRLP/TRANSCT_svalue_GivenAsList',
    'ttWrongRLP/TRANSCT_to_GivenAsList',
    'ttWrongRLP/aCrashingRLP',
    'ttWrongRLP/aMaliciousRLP',
  ],
  TxTypeNotSupportedError: ['ttWrongRLP/RLP_09_maxFeePerGas32BytesValue'],
  UnprotectedTxError: [
    'ttAddress/AddressLessThan20',
    'ttAddress/AddressMoreThan20',
    'ttAddress/AddressMoreThan20PrefixedBy0',
    'ttData/DataTestNotEnoughGAS',
    'ttData/dataTx_bcValidBlockTestFrontier',
    'ttEIP2028/DataTestInsufficientGas2028',
    'ttEIP3860/DataTestNotEnoughGasInitCode',
    'ttGasLimit/NotEnoughGasLimit',
    'ttGasLimit/TransactionWithGasLimitOverflow256',
    'ttGasLimit/TransactionWithGasLimitOverflow64',
    'ttGasLimit/TransactionWithGasLimitOverflowZeros64',
    'ttGasLimit/TransactionWithGasLimitxPriceOverflow',
    'ttGasLimit/TransactionWithLeadingZerosGasLimit',
    'ttGasPrice/TransactionWithGasPriceOverflow',
    'ttGasPrice/TransactionWithLeadingZerosGasPrice',
    'ttNonce/TransactionWithHighNonce256',
    'ttNonce/TransactionWithHighNonce64',
    'ttNonce/TransactionWithHighNonce64Minus1',
    'ttNonce/TransactionWithHighNonce64Plus1',
    'ttNonce/TransactionWithLeadingZerosNonce',
    'ttNonce/TransactionWithNonceOverflow',
    'ttNonce/TransactionWithZerosBigInt',
    'ttRSValue/TransactionWithRSvalue0',
    'ttRSValue/TransactionWithRvalue0',
    'ttRSValue/TransactionWithRvalueHigh',
    'ttRSValue/TransactionWithRvalueOverflow',
    'ttRSValue/TransactionWithRvaluePrefixed00BigInt',
    'ttRSValue/TransactionWithRvalueTooHigh',
    'ttRSValue/TransactionWithSvalue0',
    'ttRSValue/TransactionWithSvalueHigh',
    'ttRSValue/TransactionWithSvalueLargerThan_c_secp256k1n_x05',
    'ttRSValue/TransactionWithSvalueOverflow',
    'ttRSValue/TransactionWithSvaluePrefixed00BigInt',
    'ttRSValue/TransactionWithSvalueTooHigh',
    'ttSignature/PointAtInfinity',
    'ttSignature/RSsecp256k1',
    'ttSignature/WrongVRSTestIncorrectSize',
    'ttSignature/invalidSignature',
    'ttValue/TransactionWithHighValueOverflow',
    'ttValue/TransactionWithLeadingZerosValue',
    'ttWrongRLP/RLPAddressWithFirstZeros',
    'ttWrongRLP/RLPAddressWrongSize',
    'ttWrongRLP/RLPElementIsListWhenItShouldntBe',
    'ttWrongRLP/RLPElementIsListWhenItShouldntBe2',
    'ttWrongRLP/RLPNonceWithFirstZeros',
    'ttWrongRLP/RLPValueWithFirstZeros',
    'ttWrongRLP/RLPgasLimitWithFirstZeros',
    'ttWrongRLP/RLPgasPriceWithFirstZeros',
    'ttWrongRLP/TRANSCT_data_GivenAsList',
    'ttWrongRLP/TRANSCT_gasLimit_Prefixed0000',
    'ttWrongRLP/TRANSCT_gasLimit_TooLarge',
    'ttWrongRLP/TRANSCT_rvalue_Prefixed0000',
    'ttWrongRLP/TRANSCT_rvalue_TooLarge',
    'ttWrongRLP/TRANSCT_rvalue_TooShort',
    'ttWrongRLP/TRANSCT_svalue_Prefixed0000',
    'ttWrongRLP/TRANSCT_svalue_TooLarge',
    'ttWrongRLP/TRANSCT_to_Prefixed0000',
    'ttWrongRLP/TRANSCT_to_TooLarge',
    'ttWrongRLP/TRANSCT_to_TooShort',
  ],
}
const expectedError = new Map(
  Object.entries(REJECTED_WITH).flatMap(([name, paths]) => paths.map((path) => [path, name] as const)),
)

const tests = loadEthereumTests()
const present = tests !== undefined && existsSync(join(tests.dir, 'TransactionTests'))
if (tests && !present)
  console.warn(`ethereum/tests TransactionTests not found under ${tests.dir}; skipping transaction fixture tests`)

type Case = { path: string; fork: string; raw: Uint8Array; expected: ForkResult; rules: IntakeRules }

const rulesByFork = new Map<string, IntakeRules>()
const rulesFor = (fork: string, hardfork: Hardfork): IntakeRules => {
  let rules = rulesByFork.get(fork)
  if (!rules) {
    // No block gas limit to speak of: anything above uint64 is rejected as an overflow on its own.
    rules = {
      common: createChainCommon({ chainId: 1, hardfork }),
      chainId: 1n,
      blockGasLimit: 2n ** 64n - 1n,
      minBaseFee: 0n,
    }
    rulesByFork.set(fork, rules)
  }
  return rules
}

const cases: Case[] = []
const noFork: string[] = []
if (present) {
  for (const file of tests.files('TransactionTests')) {
    const path = file.replace(/^TransactionTests\//, '').replace(/\.json$/, '')
    for (const fixture of Object.values(tests.read<Fixture>(file))) {
      const fork = FORKS.find(([name]) => name in fixture.result)
      if (!fork) {
        noFork.push(path)
        continue
      }
      const [name, hardfork] = fork
      cases.push({
        path,
        fork: name,
        raw: hexToBytes(fixture.txbytes as `0x${string}`),
        expected: fixture.result[name],
        rules: rulesFor(name, hardfork),
      })
    }
  }
}
const valid = cases.filter((c) => c.expected.exception === undefined)
const invalid = cases.filter((c) => c.expected.exception !== undefined)

/** What the intake did with the bytes. */
function intake({ raw, rules }: Case) {
  try {
    return { tx: decodeRawTransaction(raw, rules) }
  } catch (error) {
    return { error }
  }
}

describe.skipIf(!present)('decodeRawTransaction: ethereum/tests TransactionTests', () => {
  it('behavior: fixtures load, each judged by its newest fork', () => {
    expect(cases.length).toBeGreaterThan(0)
    for (const path of noFork) console.warn(`TransactionTests ${path}: no result for a fork we know; skipped`)
    expect(noFork).toEqual([])
  })

  it('behavior: the tables above name only fixtures of the right kind', () => {
    const validPaths = new Set(valid.map((c) => c.path))
    const invalidPaths = new Set(invalid.map((c) => c.path))
    expect(Object.keys(DELIBERATELY_REJECTED).filter((path) => !validPaths.has(path))).toEqual([])
    expect([...expectedError.keys()].filter((path) => !invalidPaths.has(path))).toEqual([])
    expect(expectedError.size).toBe(Object.values(REJECTED_WITH).flat().length)
  })

  it.each(valid.map((c) => [`${c.path} [${c.fork}]`, c] as const))('behavior: valid %s', (_, c) => {
    const { tx, error } = intake(c)
    const rule = DELIBERATELY_REJECTED[c.path]
    if (rule === undefined) {
      expect(error).toBeUndefined()
      expect(tx!.hash.toLowerCase()).toBe(c.expected.hash!.toLowerCase())
      expect(tx!.sender.toLowerCase()).toBe(c.expected.sender!.toLowerCase())
      if (c.expected.intrinsicGas !== undefined) expect(tx!.tx.getIntrinsicGas()).toBe(BigInt(c.expected.intrinsicGas))
      return
    }
    // Refused by a pool rule: it must be that rule, the rule must really apply to these bytes, and
    // the tx must otherwise be fine (decoded through our Common: native ecrecover and keccak).
    expect(error, `${c.path} is listed as refused by ${rule} but was accepted`).toBeInstanceOf(BaseError)
    expect((error as BaseError).name).toBe(rule)
    expect(POOL_RULES[rule].applies(c.raw), POOL_RULES[rule].reason).toBe(true)
    const decoded = createTxFromRLP(c.raw, { common: c.rules.common })
    expect(bytesToHex(decoded.hash())).toBe(c.expected.hash!.toLowerCase())
    expect(decoded.getSenderAddress().toString()).toBe(c.expected.sender!.toLowerCase())
    const intrinsic = decoded.getIntrinsicGas()
    if (c.expected.intrinsicGas !== undefined) expect(intrinsic).toBe(BigInt(c.expected.intrinsicGas))
    expect(decoded.gasLimit >= intrinsic && decoded.gasLimit >= decoded.getMinimumGasLimit()).toBe(true)
  })

  it.each(invalid.map((c) => [`${c.path} [${c.fork}] (${c.expected.exception})`, c] as const))(
    'error: invalid %s is rejected',
    (_, c) => {
      const { tx, error } = intake(c)
      expect(tx, `accepted a tx the fixture rejects (${c.expected.exception})`).toBeUndefined()
      // Our own error, never a raw library one.
      expect(error).toBeInstanceOf(BaseError)
      expect((error as BaseError).name).toBe(expectedError.get(c.path))
    },
  )
})
