import { Hardfork } from '@ethereumjs/common'
import { createTxFromRLP } from '@ethereumjs/tx'
import { bytesToHex, hexToBytes } from '@ethereumjs/util'
import { type Hex, parseGwei, parseTransaction, serializeTransaction } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { createChainCommon } from '../chain/createChainCommon.ts'
import { loadEthereumTests } from '../trie/testing/loadEthereumTests.ts'
import { recoverSender } from './recoverSender.ts'

/** What ethereumjs says: the sender, or undefined when it refuses the bytes or the signature. */
function ethereumjsSender(raw: Uint8Array, chainId: number, hardfork: Hardfork): Hex | undefined {
  try {
    const tx = createTxFromRLP(raw, { common: createChainCommon({ chainId, hardfork }) })
    return tx.getSenderAddress().toString() as Hex
  } catch {
    return undefined
  }
}

const account = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const to = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

describe('recoverSender', () => {
  it('recovers the same sender and public key as ethereumjs for every tx type viem signs', async () => {
    const signed: Hex[] = [
      await account.signTransaction({
        type: 'legacy',
        chainId: 901901,
        nonce: 0,
        gasPrice: 1n,
        gas: 21000n,
        to,
        value: 1n,
      }),
      await account.signTransaction({
        type: 'legacy',
        chainId: 1,
        nonce: 300,
        gasPrice: parseGwei('3'),
        gas: 21000n,
        to,
      }),
      await account.signTransaction({
        type: 'eip2930',
        chainId: 901901,
        nonce: 7,
        gasPrice: 10n,
        gas: 50000n,
        to,
        accessList: [{ address: to, storageKeys: [`0x${'11'.repeat(32)}`] }],
      }),
      await account.signTransaction({
        type: 'eip1559',
        chainId: 901901,
        nonce: 1,
        maxFeePerGas: parseGwei('100'),
        maxPriorityFeePerGas: 1n,
        gas: 21000n,
        to,
        value: 10n ** 18n,
      }),
      // A long payload: the unsigned list needs the long-form header.
      await account.signTransaction({
        type: 'eip1559',
        chainId: 901901,
        nonce: 2,
        maxFeePerGas: 2n,
        maxPriorityFeePerGas: 1n,
        gas: 900000n,
        data: `0x${'ab'.repeat(5000)}`,
      }),
    ]
    for (const hex of signed) {
      const raw = hexToBytes(hex)
      const got = recoverSender(raw)
      expect(got, hex.slice(0, 12)).toBeDefined()
      expect(bytesToHex(got!.address)).toBe(account.address.toLowerCase())
      const chainId = hex === signed[1] ? 1 : 901901
      const tx = createTxFromRLP(raw, { common: createChainCommon({ chainId }) })
      expect(bytesToHex(got!.publicKey)).toBe(bytesToHex(tx.getSenderPublicKey()))
    }
  })

  it('never disagrees with ethereumjs on the ethereum/tests TransactionTests (a refusal is allowed, a different answer is not)', () => {
    const tests = loadEthereumTests()
    if (!tests) return
    let agreed = 0
    let checked = 0
    for (const file of tests.files('TransactionTests')) {
      const fixture = tests.read<Record<string, { txbytes: string; result: Record<string, { sender?: string }> }>>(file)
      for (const [, t] of Object.entries(fixture)) {
        let raw: Uint8Array
        try {
          raw = hexToBytes(t.txbytes as Hex)
        } catch {
          continue
        }
        checked++
        const ours = recoverSender(raw)
        const theirs = ethereumjsSender(raw, 1, Hardfork.Cancun)
        // Only bytes ethereumjs accepted ever reach recoverSender (the executor and intake decode first):
        // where both answer, the answers must be equal, and equal to the fixture's.
        if (ours === undefined || theirs === undefined) continue
        expect(theirs, file).toBe(bytesToHex(ours.address))
        const expected = t.result.Cancun?.sender ?? t.result.Shanghai?.sender
        if (expected) expect(bytesToHex(ours.address), file).toBe(`0x${expected.replace(/^0x/, '')}`.toLowerCase())
        agreed++
        if (process.env.DEBUG_RECOVER) console.log(file)
      }
    }
    expect(checked).toBeGreaterThan(100)
    // Most valid fixtures take the fast route (the rest fall back to ethereumjs, which is always correct).
    expect(agreed).toBeGreaterThan(40)
  })

  it('refuses what it cannot prove: garbage, truncation, unknown types, high s, bad v', async () => {
    expect(recoverSender(new Uint8Array())).toBeUndefined()
    expect(recoverSender(Uint8Array.from([0x05, 0xc0]))).toBeUndefined()
    expect(recoverSender(Uint8Array.from([0x02, 0xc1, 0x80]))).toBeUndefined()
    expect(recoverSender(hexToBytes('0xdeadbeef'))).toBeUndefined()
    const good = {
      type: 'eip1559',
      chainId: 901901,
      nonce: 1,
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 1n,
      gas: 21000n,
      to,
    } as const
    const { r, s, yParity } = parseTransaction(await account.signTransaction(good))
    const sig = { r: r!, s: s!, yParity: yParity! }
    expect(recoverSender(hexToBytes(serializeTransaction(good, sig)))).toBeDefined()
    for (let cut = 1; cut < 20; cut++) {
      const raw = hexToBytes(serializeTransaction(good, sig))
      expect(recoverSender(raw.subarray(0, raw.length - cut))).toBeUndefined()
    }
    // s above n/2 (EIP-2), s = 0, r = n, yParity 2.
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const hex = (v: bigint) => `0x${v.toString(16).padStart(64, '0')}` as Hex
    expect(recoverSender(hexToBytes(serializeTransaction(good, { ...sig, s: hex(n / 2n + 1n) })))).toBeUndefined()
    expect(recoverSender(hexToBytes(serializeTransaction(good, { ...sig, s: hex(0n) })))).toBeUndefined()
    expect(recoverSender(hexToBytes(serializeTransaction(good, { ...sig, r: hex(n) })))).toBeUndefined()
    const badParity = hexToBytes(serializeTransaction(good, sig))
    expect([0x80, 0x01]).toContain(badParity[badParity.length - 67])
    badParity[badParity.length - 67] = 0x02 // the yParity byte, just before r's 0xa0 header and 32 bytes, s likewise
    expect(recoverSender(badParity)).toBeUndefined()
  })
})
