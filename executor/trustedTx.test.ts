import type { Common } from '@ethereumjs/common'
import { createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common'
import {
  createAccessList2930Tx,
  createEOACode7702Tx,
  createFeeMarket1559Tx,
  createLegacyTx,
  createTxFromRLP,
  type TypedTransaction,
} from '@ethereumjs/tx'
import { bytesToHex, hexToBytes } from '@ethereumjs/util'
import { describe, expect, it } from 'vitest'
import { randomBytes } from '../core/batch/testing/randomBatch.ts'
import { createChainCommon } from '../core/chain/createChainCommon.ts'
import { loadEthereumTests } from '../core/trie/testing/loadEthereumTests.ts'
import { prng } from './testing/differential.ts'
import { buildTrustedTx, decodeTrustedTx } from './trustedTx.ts'

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

/** The tx built from `raw` without checks is ethereumjs's own decode of it, property by property. */
function expectSameAsEthereumjs(raw: Uint8Array, common: Common) {
  const built = buildTrustedTx(raw, common)
  expect(built, 'built without ethereumjs').toBeDefined()
  const tx = built as unknown as Record<string, unknown> & TypedTransaction
  // (from a plain array: ethereumjs's decode of a Buffer gives Buffers that share its memory, this one copies)
  const ejs = createTxFromRLP(new Uint8Array(raw), { common, freeze: false }) as unknown as Record<string, unknown> &
    TypedTransaction
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
    // a common's first tx goes through ethereumjs (merging its tx parameters), the next ones are built here
    expect(buildTrustedTx(raw, common)).toBeUndefined()
    expect(decodeTrustedTx(raw, common).serialize()).toEqual(raw)
    expectSameAsEthereumjs(raw, common)
  })

  it('behavior: random signed txs of types 0, 1 and 2 are built as ethereumjs decodes them', () => {
    const common = createChainCommon({ chainId: CHAIN_ID })
    const rand = prng(42)
    const first = randomTx(rand, common).serialize()
    decodeTrustedTx(first, common)
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
    decodeTrustedTx(valid[0], common)
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
    decodeTrustedTx(setCode, common)
    expect(buildTrustedTx(setCode, common)).toBeUndefined()
    expect(decodeTrustedTx(setCode, common).serialize()).toEqual(setCode)

    // a stock Common: every tx gets its own copy, into which the constructor merges the tx parameters
    const stock = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, { hardfork: Hardfork.Prague })
    const raw = randomTx(prng(7), stock).serialize()
    decodeTrustedTx(raw, stock)
    expect(buildTrustedTx(raw, stock)).toBeUndefined()
  })
})
