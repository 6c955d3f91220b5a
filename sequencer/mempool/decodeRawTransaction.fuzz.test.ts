import { RLP } from '@ethereumjs/rlp'
import fc from 'fast-check'
import { type Address, bytesToHex, type Hex, hexToBytes, keccak256, type TransactionSerializable } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { beforeAll, describe, expect, it } from 'vitest'
import { applyMutation, mutationArbitrary } from '../../core/batch/testing/rlpMutations.ts'
import { createChainCommon } from '../../core/chain/createChainCommon.ts'
import { devAccounts } from '../../core/chain/devAccounts.ts'
import { BaseError } from '../../core/errors/base.ts'
import { createLogger } from '../../core/log/logger.ts'
import { rpcErrorCodes } from '../rpc/rpcErrorCodes.ts'
import { toRpcError } from '../rpc/toRpcError.ts'
import { decodeRawTransaction, type IntakeRules } from './decodeRawTransaction.ts'
import { createMempool } from './mempool.ts'

// CI: a fixed seed and a few thousand cases in all. Long mode: FUZZ_RUNS=100000 (FUZZ_SEED=n for another seed).
const RUNS = Number(process.env.FUZZ_RUNS ?? 0)
const params = (ciRuns: number): fc.Parameters<unknown> => ({
  numRuns: RUNS || ciRuns,
  seed: Number(process.env.FUZZ_SEED ?? 7_700_001),
})
const TIMEOUT = RUNS ? 24 * 3600_000 : undefined

const CHAIN_ID = 901901
const rules: IntakeRules = {
  common: createChainCommon({ chainId: CHAIN_ID }),
  chainId: BigInt(CHAIN_ID),
  blockGasLimit: 30_000_000n,
  minBaseFee: 1_000_000n,
}
const account = privateKeyToAccount(devAccounts()[0].privateKey)
const TO = devAccounts()[1].address

/** Valid signed txs of every accepted type and shape, to mutate. */
let valid: Hex[] = []
beforeAll(async () => {
  const base = { chainId: CHAIN_ID, nonce: 3, gas: 200_000n, value: 12_345n }
  const fees = { maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1_000_000n }
  const accessList = [{ address: TO, storageKeys: [`0x${'11'.repeat(32)}` as Hex] }]
  const authorization = await account.signAuthorization({ address: TO, chainId: CHAIN_ID, nonce: 4 })
  const txs: TransactionSerializable[] = [
    { ...base, type: 'legacy', to: TO, gasPrice: 1_000_000_000n },
    { ...base, type: 'legacy', data: '0x6000600055', gasPrice: 1_000_000_000n, value: 0n },
    { ...base, type: 'eip2930', to: TO, gasPrice: 1_000_000_000n, accessList },
    { ...base, type: 'eip1559', to: TO, ...fees },
    { ...base, type: 'eip1559', to: TO, ...fees, data: `0x${'ab'.repeat(100)}`, accessList, nonce: 0 },
    { ...base, type: 'eip1559', ...fees, data: '0x600060005560016000f3' },
    { ...base, type: 'eip7702', to: TO, ...fees, authorizationList: [authorization] },
  ]
  valid = await Promise.all(
    txs.map((tx) => account.signTransaction(tx as Parameters<typeof account.signTransaction>[0])),
  )
})

/**
 * Decodes `raw`; a rejection must be a project error that `toRpcError` maps to a known code with a short,
 * one-line message (never -32603, never a stack or a dump). Returns the pooled tx or the error.
 */
function decodeTyped(raw: Uint8Array) {
  try {
    return decodeRawTransaction(raw, rules)
  } catch (err) {
    expectTypedRejection(err, raw)
    return err as BaseError
  }
}

function expectTypedRejection(err: unknown, raw: Uint8Array) {
  const input = bytesToHex(raw)
  if (!(err instanceof BaseError)) expect.fail(`untyped ${String(err)} for ${input}`)
  expect(Object.hasOwn(rpcErrorCodes, err.name), `${err.name} has no JSON-RPC code (${input})`).toBe(true)
  const rpc = toRpcError(err)
  expect(rpc.code, input).not.toBe(-32603)
  expect(rpc.message, input).not.toContain('\n')
  expect(rpc.message.length, input).toBeLessThan(300)
}

/** What every accepted tx must satisfy: its hash is the hash of exactly these bytes, which are canonical. */
function expectCanonical(tx: Exclude<ReturnType<typeof decodeTyped>, BaseError>, raw: Uint8Array) {
  const input = bytesToHex(raw)
  expect(tx.hash, input).toBe(keccak256(raw))
  // Re-encoding the decoded tx gives the same bytes: no second spelling of a tx (and of its hash) gets in.
  expect(bytesToHex(tx.tx.serialize()), input).toBe(input)
  expect(tx.sender).toMatch(/^0x[0-9a-f]{40}$/)
}

describe('decodeRawTransaction fuzz', () => {
  it('default: every valid tx decodes to the hash of its bytes, and its sender', () => {
    for (const raw of valid) {
      const tx = decodeRawTransaction(hexToBytes(raw), rules)
      expect(tx.hash).toBe(keccak256(raw))
      expect(tx.sender).toBe(account.address.toLowerCase())
    }
  })

  it(
    'behavior: random bytes are rejected with typed errors only',
    () => {
      const input = fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        // Behind a supported (or unsupported) type byte, or an RLP list header, so the decoder gets further.
        fc
          .tuple(
            fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x7e, 0x7f, 0xc0, 0xf8, 0xf9),
            fc.uint8Array({ maxLength: 300 }),
          )
          .map(([first, rest]) => Uint8Array.from([first, ...rest])),
      )
      fc.assert(
        fc.property(input, (raw) => {
          const out = decodeTyped(raw)
          if (!(out instanceof BaseError)) expectCanonical(out, raw)
        }),
        params(1500),
      )
    },
    TIMEOUT,
  )

  it(
    'behavior: mutated valid txs (bit flips, truncation, extension, RLP length tampering) are rejected with typed errors or are canonical',
    () => {
      let accepted = 0
      fc.assert(
        fc.property(fc.nat(), fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), (pick, mutations) => {
          const original = hexToBytes(valid[pick % valid.length])
          const rlpStart = original[0] <= 0x7f ? 1 : 0
          const raw = mutations.reduce((bytes, m) => applyMutation(bytes, m, rlpStart), original)
          const out = decodeTyped(raw)
          if (out instanceof BaseError) return
          expectCanonical(out, raw)
          accepted++
        }),
        params(2000),
      )
      // Some mutations keep a valid tx (a flipped bit in the value or the data, a new sender): acceptance ran.
      expect(accepted).toBeGreaterThan(0)
    },
    TIMEOUT,
  )

  it('error: a leading zero in any integer field of any type (chain id included) is refused', () => {
    // integer fields' positions per type (the rest: to, data, access list, authorizations)
    const INTEGERS: Record<number, number[]> = {
      0: [0, 1, 2, 4, 6, 7, 8],
      1: [0, 1, 2, 3, 5, 8, 9, 10],
      2: [0, 1, 2, 3, 4, 6, 9, 10, 11],
      4: [0, 1, 2, 3, 4, 6, 10, 11, 12],
    }
    let checked = 0
    for (const hex of valid) {
      const original = hexToBytes(hex)
      const prefix = original[0] <= 0x7f ? [original[0]] : []
      const fields = RLP.decode(original.subarray(prefix.length)) as Uint8Array[]
      for (const k of INTEGERS[prefix[0] ?? 0]) {
        const padded = fields.map((f, i) => (i === k ? Uint8Array.from([0, ...f]) : f))
        const raw = Uint8Array.from([...prefix, ...RLP.encode(padded)])
        expect(decodeTyped(raw), `field ${k} of ${hex}`).toBeInstanceOf(BaseError)
        checked++
      }
    }
    expect(checked).toBe(7 * 2 + 8 + 9 * 3 + 9)
  })

  it(
    'behavior: the pool rejects whatever the decoder accepted with typed errors only',
    () => {
      const log = createLogger({ level: 'silent' })
      const mempool = createMempool({
        state: { nonce: () => 3n, balance: (a: Address) => (a.endsWith('0') ? 0n : 10n ** 21n) },
        log,
        maxTxs: 50,
        maxPerSender: 4,
        maxNonceGap: 2,
        priceBumpPercent: 10,
      })
      fc.assert(
        fc.property(fc.nat(), fc.array(mutationArbitrary, { maxLength: 2 }), (pick, mutations) => {
          const original = hexToBytes(valid[pick % valid.length])
          const raw = mutations.reduce((bytes, m) => applyMutation(bytes, m, original[0] <= 0x7f ? 1 : 0), original)
          const tx = decodeTyped(raw)
          if (tx instanceof BaseError) return
          try {
            mempool.add(tx)
          } catch (err) {
            expectTypedRejection(err, raw)
          }
          expect(mempool.size()).toBeLessThanOrEqual(50)
        }),
        params(1000),
      )
    },
    TIMEOUT,
  )
})
