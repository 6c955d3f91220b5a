import type { Common } from '@ethereumjs/common'
import { createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common'
import { RLP } from '@ethereumjs/rlp'
import {
  createAccessList2930Tx,
  createEOACode7702Tx,
  createFeeMarket1559Tx,
  createLegacyTx,
  createTxFromRLP,
  type TypedTransaction,
} from '@ethereumjs/tx'
import { bytesToHex, hexToBytes } from '@ethereumjs/util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { randomBytes } from '../core/batch/testing/randomBatch.ts'
import { applyMutation, mutationArbitrary } from '../core/batch/testing/rlpMutations.ts'
import { createChainCommon } from '../core/chain/createChainCommon.ts'
import { loadEthereumTests } from '../core/trie/testing/loadEthereumTests.ts'
import { prng } from './testing/differential.ts'
import { buildCheckedTx, buildTrustedTx, decodeCheckedTx, decodeTrustedTx } from './trustedTx.ts'

const CHAIN_ID = 901901n
const KEY = hexToBytes(`0x${'4c'.repeat(32)}`)

/** A number of `bytes` bytes at most, biased to the byte-length boundaries (0, 1 byte, 0x80, full width). */
function randomUint(rand: () => number, bytes: number): bigint {
  const pick = rand()
  if (pick < 0.1) return 0n
  if (pick < 0.2) return BigInt(Math.floor(rand() * 0x80))
  if (pick < 0.3) return 0x80n
  const length = 1 + Math.floor(rand() * bytes)
  return BigInt(bytesToHex(randomBytes(rand, length)))
}

function randomAccessList(rand: () => number) {
  return Array.from({ length: Math.floor(rand() * 3) }, () => ({
    address: bytesToHex(randomBytes(rand, 20)),
    storageKeys: Array.from({ length: Math.floor(rand() * 3) }, () => bytesToHex(randomBytes(rand, 32))),
  }))
}

/** A signed tx of type 0 (EIP-155 or not), 1 or 2: a call or a creation, fields across their byte-length boundaries. */
function randomTx(rand: () => number, common: Common): TypedTransaction {
  const type = Math.floor(rand() * 3)
  const base = {
    nonce: randomUint(rand, 7),
    gasLimit: 21_000n + randomUint(rand, 3),
    to: rand() < 0.2 ? undefined : bytesToHex(randomBytes(rand, 20)),
    value: randomUint(rand, 32),
    data: randomBytes(rand, [0, 1, 4, 36, 68, 200, 3000][Math.floor(rand() * 7)]),
  }
  const gasPrice = 1n + randomUint(rand, 8)
  if (type === 0) {
    const unprotected = rand() < 0.3
    const tx = createLegacyTx({ ...base, gasPrice }, { common })
    // an unprotected signature (v = 27/28) is what a pre-EIP-155 signer makes; ethereumjs signs with the chain id
    return unprotected
      ? createLegacyTx(
          {
            ...base,
            gasPrice,
            v: 27n + BigInt(Math.floor(rand() * 2)),
            r: 1n + randomUint(rand, 31),
            s: 1n + randomUint(rand, 31),
          },
          { common },
        )
      : tx.sign(KEY)
  }
  if (type === 1)
    return createAccessList2930Tx(
      { ...base, gasPrice, accessList: randomAccessList(rand), chainId: common.chainId() },
      { common },
    ).sign(KEY)
  const tip = randomUint(rand, 8)
  return createFeeMarket1559Tx(
    {
      ...base,
      maxPriorityFeePerGas: tip,
      maxFeePerGas: tip + randomUint(rand, 8),
      accessList: randomAccessList(rand),
      chainId: common.chainId(),
    },
    { common },
  ).sign(KEY)
}

/**
 * The tx built from `raw` (without checks, or `checked`) is ethereumjs's own decode of it (unfrozen, or frozen),
 * property by property.
 */
function expectSameAsEthereumjs(raw: Uint8Array, common: Common, checked = false) {
  const built = checked ? buildCheckedTx(raw, common) : buildTrustedTx(raw, common)
  expect(built, 'built without ethereumjs').toBeDefined()
  expectEqualTx(built as TypedTransaction, raw, common, checked)
}

function expectEqualTx(built: TypedTransaction, raw: Uint8Array, common: Common, checked: boolean) {
  const tx = built as unknown as Record<string, unknown> & TypedTransaction
  // (from a plain array: ethereumjs's decode of a Buffer gives Buffers that share its memory, this one copies)
  const ejs = createTxFromRLP(
    new Uint8Array(raw),
    checked ? { common } : { common, freeze: false },
  ) as unknown as Record<string, unknown> & TypedTransaction
  expect(Object.isFrozen(tx)).toBe(Object.isFrozen(ejs))
  expect(Object.getPrototypeOf(tx)).toBe(Object.getPrototypeOf(ejs))
  expect(Object.keys(tx)).toEqual(Object.keys(ejs))
  for (const key of Object.keys(ejs)) expect(tx[key], key).toStrictEqual(ejs[key])
  expect(tx.serialize()).toEqual(new Uint8Array(raw))
  expect(tx.hash()).toEqual(ejs.hash())
  expect(tx.isSigned()).toBe(ejs.isSigned())
  expect(tx.getIntrinsicGas()).toBe(ejs.getIntrinsicGas())
  expect(tx.getUpfrontCost(7n)).toBe(ejs.getUpfrontCost(7n))
  expect(tx.toJSON()).toEqual(ejs.toJSON())
  expect(tx.getMessageToSign()).toEqual(ejs.getMessageToSign())
  expect(senderOf(tx)).toBe(senderOf(ejs))
}

/** The sender, or the error recovering it (a made-up unprotected signature recovers no key). */
function senderOf(tx: TypedTransaction): string {
  try {
    return tx.getSenderAddress().toString()
  } catch (err) {
    return `throws: ${(err as Error).message}`
  }
}

describe('decodeTrustedTx', () => {
  it('default', () => {
    const common = createChainCommon({ chainId: CHAIN_ID })
    const raw = createFeeMarket1559Tx(
      { to: `0x${'11'.repeat(20)}`, gasLimit: 21_000n, maxFeePerGas: 9n, chainId: CHAIN_ID },
      { common },
    )
      .sign(KEY)
      .serialize()
    // built here from the common's first tx on (the tx parameters merged into the common first, as ethereumjs does)
    expectSameAsEthereumjs(raw, common)
    expect(decodeTrustedTx(raw, common).serialize()).toEqual(raw)
    expect(decodeCheckedTx(raw, common).serialize()).toEqual(raw)
  })

  it('behavior: random signed txs of types 0, 1 and 2 are built as ethereumjs decodes them', () => {
    const common = createChainCommon({ chainId: CHAIN_ID })
    const rand = prng(42)
    for (let i = 0; i < 300; i++) expectSameAsEthereumjs(randomTx(rand, common).serialize(), common)
    // a Buffer's slices share its memory: the fields are copies all the same
    expectSameAsEthereumjs(Buffer.from(randomTx(rand, common).serialize()), common)
  })

  it('behavior: the valid type 0-2 txs of the official TransactionTests are built as ethereumjs decodes them', () => {
    const tests = loadEthereumTests()
    if (!tests) return
    const common = createChainCommon({ chainId: 1, hardfork: Hardfork.Cancun })
    const valid: Uint8Array[] = []
    for (const path of tests.files('TransactionTests')) {
      const fixture = tests.read<Record<string, { txbytes: string; result: Record<string, { hash?: string }> }>>(path)
      for (const { txbytes, result } of Object.values(fixture)) {
        const raw = hexToBytes(txbytes as `0x${string}`)
        if (!result.Cancun?.hash || (raw.length > 0 && raw[0] > 2 && raw[0] <= 0x7f)) continue
        try {
          createTxFromRLP(raw, { common })
        } catch {
          continue // valid for Cancun's rules but refused by ethereumjs (its pool never holds those bytes)
        }
        valid.push(raw)
      }
    }
    expect(valid.length).toBeGreaterThan(40)
    for (const raw of valid) expectSameAsEthereumjs(raw, common)
  })

  it('behavior: other types, and a common other txs do not share, are left to ethereumjs', () => {
    const common = createChainCommon({ chainId: CHAIN_ID })
    const setCode = createEOACode7702Tx(
      {
        to: `0x${'11'.repeat(20)}`,
        gasLimit: 60_000n,
        maxFeePerGas: 9n,
        chainId: CHAIN_ID,
        authorizationList: [
          { chainId: '0x0', address: `0x${'22'.repeat(20)}`, nonce: '0x0', yParity: '0x0', r: '0x01', s: '0x01' },
        ],
      },
      { common },
    )
      .sign(KEY)
      .serialize()
    expect(buildTrustedTx(setCode, common)).toBeUndefined()
    expect(decodeTrustedTx(setCode, common).serialize()).toEqual(setCode)

    // a stock Common: every tx gets its own copy, into which the constructor merges the tx parameters
    const stock = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, { hardfork: Hardfork.Prague })
    const raw = randomTx(prng(7), stock).serialize()
    expect(buildTrustedTx(raw, stock)).toBeUndefined()
    expect(decodeTrustedTx(raw, stock).serialize()).toEqual(raw)
  })
})

/** A tx's verdict from the checked route: built here (and then equal to ethereumjs's), or left to ethereumjs. */
function judge(raw: Uint8Array, common: Common) {
  const built = buildCheckedTx(raw, common)
  if (built === undefined) return 'left to ethereumjs'
  // whatever is built here, ethereumjs accepts and builds the same (it would throw otherwise)
  expectEqualTx(built, raw, common, true)
  return 'built'
}

describe('decodeCheckedTx', () => {
  it('behavior: random signed EIP-155 and typed calls are built as ethereumjs decodes them; creations and unprotected legacy txs are left to it', () => {
    const common = createChainCommon({ chainId: CHAIN_ID })
    const rand = prng(4242)
    const verdicts: Record<string, number> = {}
    for (let i = 0; i < 300; i++) {
      const tx = randomTx(rand, common)
      const raw = tx.serialize()
      const verdict = judge(raw, common)
      const unprotected = tx.type === 0 && (tx.v === 27n || tx.v === 28n)
      // (a random fee cap times gas limit stays far below 2^256, so only these two decline)
      expect(verdict, bytesToHex(raw)).toBe(tx.to === undefined || unprotected ? 'left to ethereumjs' : 'built')
      verdicts[verdict] = (verdicts[verdict] ?? 0) + 1
    }
    expect(verdicts.built).toBeGreaterThan(150)
    expect(verdicts['left to ethereumjs']).toBeGreaterThan(30)
  })

  it('behavior: mutated txs (bytes and RLP edits) are either refused here or built exactly as ethereumjs builds them', () => {
    const common = createChainCommon({ chainId: CHAIN_ID })
    const rand = prng(99)
    const originals = Array.from({ length: 40 }, () => randomTx(rand, common).serialize())
    const verdicts: Record<string, number> = {}
    fc.assert(
      fc.property(fc.nat(), fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), (pick, mutations) => {
        const original = originals[pick % originals.length]
        const raw = mutations.reduce((bytes, m) => applyMutation(bytes, m, original[0] <= 0x7f ? 1 : 0), original)
        const verdict = judge(raw, common)
        verdicts[verdict] = (verdicts[verdict] ?? 0) + 1
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 0) || 2000, seed: Number(process.env.FUZZ_SEED ?? 5_150_001) },
    )
    // both verdicts happened: mutations that keep a valid tx (a flipped bit in the data) are built
    expect(verdicts.built).toBeGreaterThan(0)
    expect(verdicts['left to ethereumjs']).toBeGreaterThan(0)
  })

  it('behavior: every TransactionTests fixture, valid or not, is either left to ethereumjs or built as it builds it', () => {
    const tests = loadEthereumTests()
    if (!tests) return
    const common = createChainCommon({ chainId: 1, hardfork: Hardfork.Cancun })
    const verdicts: Record<string, number> = {}
    for (const path of tests.files('TransactionTests')) {
      const fixture = tests.read<Record<string, { txbytes: string }>>(path)
      for (const { txbytes } of Object.values(fixture)) {
        let raw: Uint8Array
        try {
          raw = hexToBytes(txbytes as `0x${string}`)
        } catch {
          continue // a fixture whose hex itself is malformed
        }
        const verdict = judge(raw, common)
        verdicts[verdict] = (verdicts[verdict] ?? 0) + 1
      }
    }
    expect(verdicts.built).toBeGreaterThan(10)
    expect(verdicts['left to ethereumjs']).toBeGreaterThan(150)
  })

  it('error: what ethereumjs refuses, or a check here is unsure of, is left to ethereumjs', () => {
    const common = createChainCommon({ chainId: CHAIN_ID })
    const to = `0x${'11'.repeat(20)}` as const
    const sign = (fields: Record<string, unknown>) =>
      createFeeMarket1559Tx({ to, gasLimit: 60_000n, maxFeePerGas: 9n, chainId: CHAIN_ID, ...fields }, { common })
        .sign(KEY)
        .serialize()
    expect(buildCheckedTx(sign({}), common)).toBeDefined()
    // re-encodes the signed fields with one changed (the signature no longer matters: checks come first)
    const edit = (raw: Uint8Array, k: number, value: Uint8Array | Uint8Array[][]) => {
      const fields = RLP.decode(raw.subarray(1)) as unknown[]
      fields[k] = value
      return Uint8Array.from([2, ...RLP.encode(fields as Uint8Array[])])
    }
    const raw = sign({ nonce: 5n, value: 7n })
    const refused: [string, Uint8Array][] = [
      ['a leading zero in the nonce', edit(raw, 1, Uint8Array.from([0, 5]))],
      ['a leading zero in the chain id', edit(raw, 0, hexToBytes(`0x00${CHAIN_ID.toString(16).padStart(6, '0')}`))],
      ['another chain id', edit(raw, 0, Uint8Array.from([1]))],
      ['yParity 2', edit(raw, 9, Uint8Array.from([2]))],
      ['s above n/2', edit(raw, 11, hexToBytes(`0x${'ff'.repeat(32)}`))],
      ['a 33-byte value', edit(raw, 6, Uint8Array.from([1, ...new Uint8Array(32)]))],
      ['a nonce of 2^56', edit(raw, 1, Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0]))],
      ['a tip above the fee cap', edit(raw, 2, Uint8Array.from([10]))],
      ['fee cap x gas limit over 2^256 - 1', edit(raw, 3, hexToBytes(`0x${'ff'.repeat(32)}`))],
      ['a 19-byte to', edit(raw, 5, new Uint8Array(19))],
      ['a creation', sign({ to: undefined, data: Uint8Array.from([0x60, 0x00]) })],
      [
        'a 31-byte storage key',
        edit(raw, 8, [[new Uint8Array(20), [new Uint8Array(31)] as unknown as Uint8Array]] as never),
      ],
      [
        'an unsigned tx',
        Uint8Array.from([2, ...RLP.encode((RLP.decode(raw.subarray(1)) as Uint8Array[]).slice(0, 9))]),
      ],
    ]
    for (const [what, bytes] of refused) expect(buildCheckedTx(bytes, common), what).toBeUndefined()
    // an unprotected legacy tx is left to ethereumjs too (it accepts it; the pool refuses it later)
    const legacy = createLegacyTx({ to, gasLimit: 21_000n, gasPrice: 9n, v: 27n, r: 1n, s: 1n }, { common }).serialize()
    expect(buildCheckedTx(legacy, common)).toBeUndefined()
    expect(decodeCheckedTx(legacy, common).serialize()).toEqual(legacy)
  })
})
