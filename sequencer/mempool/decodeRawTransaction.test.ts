import {
  type Address,
  bytesToHex,
  fromRlp,
  type Hex,
  hexToBigInt,
  hexToBytes,
  keccak256,
  numberToHex,
  type TransactionSerializable,
  toRlp,
} from 'viem'
import { privateKeyToAccount, sign } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { createChainCommon } from '../../core/chain/createChainCommon.ts'
import { BaseError } from '../../core/errors/base.ts'
import { decodeRawTransaction, type IntakeRules, MAX_INITCODE_SIZE, MAX_TX_SIZE } from './decodeRawTransaction.ts'

const CHAIN_ID = 901901
const PK = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' as const
const account = privateKeyToAccount(PK)
const SENDER = account.address.toLowerCase() as Address
const TO = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' as Address
const GWEI = 10n ** 9n
/** secp256k1 group order. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

const rules: IntakeRules = {
  common: createChainCommon({ chainId: CHAIN_ID }),
  chainId: BigInt(CHAIN_ID),
  blockGasLimit: 30_000_000n,
  minBaseFee: 1_000_000n,
}

const decode = (raw: Hex | Uint8Array, seq = 0) =>
  decodeRawTransaction(typeof raw === 'string' ? hexToBytes(raw) : raw, rules, seq)

/** The error a decode throws (fails the test if none). */
function rejection(raw: Hex | Uint8Array): BaseError {
  try {
    decode(raw)
  } catch (err) {
    expect(err).toBeInstanceOf(BaseError)
    return err as BaseError
  }
  throw new Error('expected the transaction to be rejected')
}

const signTx = (tx: TransactionSerializable) =>
  account.signTransaction(tx as Parameters<typeof account.signTransaction>[0])

const eip1559 = (over: Partial<TransactionSerializable> = {}) =>
  signTx({
    type: 'eip1559',
    chainId: CHAIN_ID,
    nonce: 0,
    to: TO,
    value: 1n,
    gas: 21_000n,
    maxFeePerGas: 2n * GWEI,
    maxPriorityFeePerGas: GWEI,
    ...over,
  } as TransactionSerializable)

const legacy = (over: Partial<TransactionSerializable> = {}) =>
  signTx({
    type: 'legacy',
    chainId: CHAIN_ID,
    nonce: 0,
    to: TO,
    value: 1n,
    gas: 21_000n,
    gasPrice: 2n * GWEI,
    ...over,
  } as TransactionSerializable)

const q = (n: bigint) => (n === 0n ? '0x' : numberToHex(n))

/** A signed type-2 tx built by hand, bypassing viem's field checks (e.g. tip above fee cap). */
async function rawEip1559(f: {
  chainId: bigint
  nonce: bigint
  tip: bigint
  feeCap: bigint
  gas: bigint
  to: Address
  value: bigint
  data: Hex
}): Promise<Hex> {
  const fields: Hex[] = [q(f.chainId), q(f.nonce), q(f.tip), q(f.feeCap), q(f.gas), f.to, q(f.value), f.data]
  const unsigned = toRlp([...fields, []])
  const hash = keccak256(`0x02${unsigned.slice(2)}`)
  const sig = await sign({ hash, privateKey: PK })
  return `0x02${toRlp([...fields, [], q(BigInt(sig.yParity ?? 0)), sig.r, sig.s]).slice(2)}` as Hex
}

/** Signs the unsigned RLP fields of a typed tx by hand (no field checks), appending yParity, r, s. */
async function signTyped(type: number, fields: (Hex | Hex[] | Hex[][])[]): Promise<Hex> {
  const prefix = numberToHex(type, { size: 1 })
  const hash = keccak256(`${prefix}${toRlp(fields as never).slice(2)}` as Hex)
  const sig = await sign({ hash, privateKey: PK })
  return `${prefix}${toRlp([...fields, q(BigInt(sig.yParity ?? 0)), sig.r, sig.s] as never).slice(2)}` as Hex
}

/** Unsigned EIP-7702 fields: chainId, nonce, tip, fee cap, gas, to, value, data, access list, authorizations. */
async function raw7702({ to = TO as Hex, auth }: { to?: Hex; auth: Hex[][] }): Promise<Hex> {
  return signTyped(4, [q(BigInt(CHAIN_ID)), '0x', q(GWEI), q(2n * GWEI), q(100_000n), to, '0x', '0x', [], auth])
}

/** Replaces s by n - s and flips the recovery bit: the same signature in its malleable (high-s) form. */
function toHighS(raw: Hex): Hex {
  const typed = hexToBytes(raw)[0] <= 0x7f
  const body = (typed ? `0x${raw.slice(4)}` : raw) as Hex
  const fields = fromRlp(body) as Hex[]
  const n = fields.length
  const s = hexToBigInt(fields[n - 1])
  fields[n - 1] = numberToHex(N - s, { size: 32 })
  const v = fields[n - 3] === '0x' ? 0n : hexToBigInt(fields[n - 3])
  // Legacy v = 35 + 2*chainId + recovery (odd ↔ even); typed yParity 0 ↔ 1.
  fields[n - 3] = q(typed ? v ^ 1n : v % 2n === 1n ? v + 1n : v - 1n)
  const out = toRlp(fields as never)
  return (typed ? `0x${raw.slice(2, 4)}${out.slice(2)}` : out) as Hex
}

describe('decodeRawTransaction', () => {
  it('default', async () => {
    const raw = await eip1559()
    const tx = decode(raw, 7)
    expect(tx.hash).toBe(keccak256(raw))
    expect(bytesToHex(tx.raw)).toBe(raw)
    expect(tx.sender).toBe(SENDER)
    expect(tx.nonce).toBe(0n)
    expect(tx.gasLimit).toBe(21_000n)
    expect(tx.feeCap).toBe(2n * GWEI)
    expect(tx.tip).toBe(GWEI)
    expect(tx.cost).toBe(21_000n * 2n * GWEI + 1n)
    expect(tx.seq).toBe(7)
    expect(tx.tx.type).toBe(2)
  })

  it('behavior: accepts an EIP-155 legacy tx (feeCap = tip = gasPrice)', async () => {
    const raw = await legacy({ nonce: 3, value: 10n ** 18n, gasPrice: 3n * GWEI, gas: 30_000n })
    const tx = decode(raw)
    expect(tx.tx.type).toBe(0)
    expect(tx.hash).toBe(keccak256(raw))
    expect(tx.sender).toBe(SENDER)
    expect(tx.nonce).toBe(3n)
    expect(tx.gasLimit).toBe(30_000n)
    expect(tx.feeCap).toBe(3n * GWEI)
    expect(tx.tip).toBe(3n * GWEI)
    expect(tx.cost).toBe(30_000n * 3n * GWEI + 10n ** 18n)
  })

  it('behavior: accepts an EIP-2930 tx with an access list', async () => {
    const raw = await signTx({
      type: 'eip2930',
      chainId: CHAIN_ID,
      nonce: 1,
      to: TO,
      value: 5n,
      gas: 30_000n,
      gasPrice: 4n * GWEI,
      accessList: [{ address: TO, storageKeys: [`0x${'00'.repeat(31)}01`] }],
    })
    const tx = decode(raw)
    expect(tx.tx.type).toBe(1)
    expect(tx.hash).toBe(keccak256(raw))
    expect(tx.sender).toBe(SENDER)
    expect(tx.nonce).toBe(1n)
    expect(tx.feeCap).toBe(4n * GWEI)
    expect(tx.tip).toBe(4n * GWEI)
    expect(tx.cost).toBe(30_000n * 4n * GWEI + 5n)
  })

  it('behavior: accepts an EIP-1559 contract creation', async () => {
    const raw = await eip1559({ to: undefined, data: '0x6000', gas: 60_000n, value: 0n, nonce: 9 })
    const tx = decode(raw)
    expect(tx.tx.to).toBeUndefined()
    expect(tx.nonce).toBe(9n)
    expect(tx.cost).toBe(60_000n * 2n * GWEI)
  })

  it('behavior: accepts an EIP-7702 tx with a signed authorization', async () => {
    const authorization = await account.signAuthorization({ address: TO, chainId: CHAIN_ID, nonce: 1 })
    const raw = await signTx({
      type: 'eip7702',
      chainId: CHAIN_ID,
      nonce: 0,
      to: SENDER,
      value: 0n,
      gas: 100_000n,
      maxFeePerGas: 3n * GWEI,
      maxPriorityFeePerGas: 2n * GWEI,
      authorizationList: [authorization],
    })
    const tx = decode(raw)
    expect(tx.tx.type).toBe(4)
    expect(tx.hash).toBe(keccak256(raw))
    expect(tx.sender).toBe(SENDER)
    expect(tx.feeCap).toBe(3n * GWEI)
    expect(tx.tip).toBe(2n * GWEI)
    expect(tx.cost).toBe(100_000n * 3n * GWEI)
  })

  it('behavior: the sender is lowercase and matches the signing key', async () => {
    const other = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
    const raw = await other.signTransaction({
      type: 'eip1559',
      chainId: CHAIN_ID,
      nonce: 0,
      to: TO,
      gas: 21_000n,
      maxFeePerGas: GWEI,
      maxPriorityFeePerGas: 0n,
    })
    expect(decode(raw).sender).toBe(other.address.toLowerCase())
  })

  it('behavior: the gas limit may equal the block gas limit and the fee cap may equal the floor', async () => {
    const tx = decode(await eip1559({ gas: 30_000_000n, maxFeePerGas: 1_000_000n, maxPriorityFeePerGas: 1_000_000n }))
    expect(tx.gasLimit).toBe(30_000_000n)
    expect(tx.feeCap).toBe(1_000_000n)
  })

  it('behavior: a tx of exactly 128 KiB is not rejected for its size', () => {
    const raw = new Uint8Array(MAX_TX_SIZE).fill(0xff)
    expect(rejection(raw).shortMessage).not.toMatch(/^oversized data/)
  })

  it('error: oversized (more than 128 KiB)', async () => {
    const raw = new Uint8Array(MAX_TX_SIZE + 1)
    const err = rejection(raw)
    expect(err.name).toBe('OversizedDataError')
    expect(err.shortMessage).toBe('oversized data: transaction size 131073, limit 131072')
  })

  it('error: oversized signed tx with large calldata', async () => {
    const raw = await eip1559({ data: `0x${'01'.repeat(MAX_TX_SIZE)}`, gas: 10_000_000n })
    const err = rejection(raw)
    expect(err.name).toBe('OversizedDataError')
    expect(err.shortMessage).toBe(`oversized data: transaction size ${hexToBytes(raw).length}, limit 131072`)
  })

  it('error: blob (type 3) transactions are not supported', () => {
    const err = rejection(`0x03${toRlp([]).slice(2)}` as Hex)
    expect(err.name).toBe('TxTypeNotSupportedError')
    expect(err.shortMessage).toBe('transaction type not supported')
  })

  it('error: unknown tx types are not supported', () => {
    for (const type of ['0x00', '0x05', '0x7f']) {
      const err = rejection(`${type}${toRlp([]).slice(2)}` as Hex)
      expect(err.name).toBe('TxTypeNotSupportedError')
      expect(err.shortMessage).toBe('transaction type not supported')
    }
  })

  it('error: unprotected legacy tx (v = 27/28)', async () => {
    const raw = await signTx({ type: 'legacy', nonce: 0, to: TO, value: 1n, gas: 21_000n, gasPrice: 2n * GWEI })
    const v = (fromRlp(raw) as Hex[])[6]
    expect(['0x1b', '0x1c']).toContain(v)
    const err = rejection(raw)
    expect(err.name).toBe('UnprotectedTxError')
    expect(err.shortMessage).toBe('only replay-protected (EIP-155) transactions allowed over RPC')
    // and its high-s twin (the other v) is refused the same way
    expect(rejection(toHighS(raw)).shortMessage).toBe('only replay-protected (EIP-155) transactions allowed over RPC')
  })

  it('error: legacy tx signed for another chain', async () => {
    const err = rejection(await legacy({ chainId: 1 }))
    expect(err.name).toBe('InvalidChainIdError')
    expect(err.shortMessage).toBe('invalid chain id for signer: have 1 want 901901')
  })

  it('error: typed txs signed for another chain', async () => {
    const e1559 = rejection(await eip1559({ chainId: 1 }))
    expect(e1559.name).toBe('InvalidChainIdError')
    expect(e1559.shortMessage).toBe('invalid chain id for signer: have 1 want 901901')
    const e2930 = rejection(
      await signTx({ type: 'eip2930', chainId: 31337, nonce: 0, to: TO, gas: 21_000n, gasPrice: GWEI, accessList: [] }),
    )
    expect(e2930.shortMessage).toBe('invalid chain id for signer: have 31337 want 901901')
  })

  it('error: high-s signature (typed) is an invalid sender', async () => {
    const raw = await eip1559()
    const err = rejection(toHighS(raw))
    expect(err.name).toBe('InvalidSenderError')
    expect(err.shortMessage).toBe('invalid sender')
  })

  it('error: high-s signature (legacy EIP-155) is an invalid sender', async () => {
    const raw = await legacy()
    const err = rejection(toHighS(raw))
    expect(err.name).toBe('InvalidSenderError')
    expect(err.shortMessage).toBe('invalid sender')
  })

  it('error: an unrecoverable signature (r = 0) is an invalid sender', async () => {
    const raw = await eip1559()
    const fields = fromRlp(`0x${raw.slice(4)}`) as Hex[]
    fields[fields.length - 2] = '0x'
    const err = rejection(`0x02${toRlp(fields as never).slice(2)}` as Hex)
    expect(err.shortMessage).toBe('invalid sender')
  })

  it('error: gas above the block gas limit', async () => {
    const err = rejection(await eip1559({ gas: 30_000_001n }))
    expect(err.name).toBe('GasLimitExceededError')
    expect(err.shortMessage).toBe('exceeds block gas limit')
  })

  it('error: a gas limit above uint64 overflows', async () => {
    const err = rejection(await eip1559({ gas: 2n ** 64n }))
    expect(err.name).toBe('GasUintOverflowError')
    expect(err.shortMessage).toBe('gas uint64 overflow')
    expect(rejection(await eip1559({ gas: 2n ** 64n - 1n })).shortMessage).toBe('exceeds block gas limit')
  })

  it('error: intrinsic gas too low (transfer with gas 20000)', async () => {
    const err = rejection(await eip1559({ gas: 20_000n }))
    expect(err.name).toBe('IntrinsicGasTooLowError')
    expect(err.shortMessage).toBe('intrinsic gas too low: gas 20000, minimum needed 21000')
  })

  it('error: intrinsic gas too low counts calldata, creation and access lists', async () => {
    // 21000 + 32000 (create) + 16 (nonzero byte) + 4 (zero byte) + 2 (one initcode word) = 53022
    expect(decode(await eip1559({ to: undefined, data: '0x6000', gas: 53_022n, value: 0n })).gasLimit).toBe(53_022n)
    const create = rejection(await eip1559({ to: undefined, data: '0x6000', gas: 53_021n, value: 0n }))
    expect(create.shortMessage).toBe('intrinsic gas too low: gas 53021, minimum needed 53022')
    // 21000 + 2400 (address) + 1900 (key)
    const al = rejection(
      await signTx({
        type: 'eip2930',
        chainId: CHAIN_ID,
        nonce: 0,
        to: TO,
        gas: 25_299n,
        gasPrice: GWEI,
        accessList: [{ address: TO, storageKeys: [`0x${'00'.repeat(32)}`] }],
      }),
    )
    expect(al.shortMessage).toBe('intrinsic gas too low: gas 25299, minimum needed 25300')
  })

  it('error: EIP-7702 authorization costs count as intrinsic gas', async () => {
    const authorization = await account.signAuthorization({ address: TO, chainId: CHAIN_ID, nonce: 1 })
    const raw = await signTx({
      type: 'eip7702',
      chainId: CHAIN_ID,
      nonce: 0,
      to: SENDER,
      gas: 45_999n,
      maxFeePerGas: 3n * GWEI,
      maxPriorityFeePerGas: 2n * GWEI,
      authorizationList: [authorization],
    })
    expect(rejection(raw).shortMessage).toBe('intrinsic gas too low: gas 45999, minimum needed 46000')
  })

  it('error: Prague calldata floor (EIP-7623) above the intrinsic gas', async () => {
    // 1000 nonzero bytes: intrinsic 21000 + 16*1000 = 37000; floor 21000 + 10*4*1000 = 61000
    const data = `0x${'ab'.repeat(1000)}` as Hex
    expect(decode(await eip1559({ data, gas: 61_000n })).gasLimit).toBe(61_000n)
    const err = rejection(await eip1559({ data, gas: 60_999n }))
    expect(err.name).toBe('IntrinsicGasTooLowError')
    expect(err.shortMessage).toBe('insufficient gas for floor data gas cost: gas 60999, minimum needed 61000')
    const mid = rejection(await eip1559({ data, gas: 37_000n }))
    expect(mid.shortMessage).toBe('insufficient gas for floor data gas cost: gas 37000, minimum needed 61000')
  })

  it('error: fee cap below the base fee floor', async () => {
    const err = rejection(await eip1559({ maxFeePerGas: 999_999n, maxPriorityFeePerGas: 0n }))
    expect(err.name).toBe('FeeCapTooLowError')
    expect(err.shortMessage).toBe('max fee per gas less than block base fee: maxFeePerGas: 999999, baseFee: 1000000')
    const old = rejection(await legacy({ gasPrice: 1n }))
    expect(old.shortMessage).toBe('max fee per gas less than block base fee: maxFeePerGas: 1, baseFee: 1000000')
  })

  it('error: tip above fee cap', async () => {
    const raw = await rawEip1559({
      chainId: BigInt(CHAIN_ID),
      nonce: 0n,
      tip: 3n * GWEI,
      feeCap: 2n * GWEI,
      gas: 21_000n,
      to: TO,
      value: 0n,
      data: '0x',
    })
    const err = rejection(raw)
    expect(err.name).toBe('TipAboveFeeCapError')
    expect(err.shortMessage).toBe('max priority fee per gas higher than max fee per gas')
  })

  it('behavior: initcode of exactly 49152 bytes is accepted, and a call may carry more calldata', async () => {
    const initcode = `0x${'01'.repeat(MAX_INITCODE_SIZE)}` as Hex
    const create = decode(await eip1559({ to: undefined, data: initcode, gas: 2_000_000n, value: 0n }))
    expect(create.tx.to).toBeUndefined()
    expect(create.tx.data.length).toBe(49_152)
    const call = decode(await eip1559({ data: `0x${'01'.repeat(MAX_INITCODE_SIZE + 1)}`, gas: 2_000_000n }))
    expect(call.tx.data.length).toBe(49_153)
  })

  it('error: initcode over 49152 bytes (EIP-3860)', async () => {
    const data = `0x${'01'.repeat(MAX_INITCODE_SIZE + 1)}` as Hex
    for (const raw of [
      await eip1559({ to: undefined, data, gas: 2_000_000n, value: 0n }),
      await legacy({ to: undefined, data, gas: 2_000_000n, value: 0n }),
      await signTx({ type: 'eip2930', chainId: CHAIN_ID, nonce: 0, data, gas: 2_000_000n, gasPrice: GWEI }),
    ]) {
      const err = rejection(raw)
      expect(err.name).toBe('MaxInitCodeSizeExceededError')
      expect(err.shortMessage).toBe('max initcode size exceeded: code size 49153, limit 49152')
    }
    // checked before the intrinsic gas, as geth does
    const low = rejection(await eip1559({ to: undefined, data, gas: 21_000n, value: 0n }))
    expect(low.shortMessage).toBe('max initcode size exceeded: code size 49153, limit 49152')
  })

  it('error: EIP-7702 tx without a to cannot create a contract', async () => {
    const authorization = await account.signAuthorization({ address: TO, chainId: CHAIN_ID, nonce: 1 })
    const auth = [
      [q(BigInt(CHAIN_ID)), TO, q(1n), q(BigInt(authorization.yParity ?? 0)), authorization.r, authorization.s],
    ]
    expect(decode(await raw7702({ auth })).tx.type).toBe(4)
    const err = rejection(await raw7702({ to: '0x', auth }))
    expect(err.name).toBe('SetCodeTxCreateError')
    expect(err.shortMessage).toBe('EIP-7702 transaction cannot be used to create contract')
  })

  it('error: EIP-7702 tx with an empty authorization list', async () => {
    const err = rejection(await raw7702({ auth: [] }))
    expect(err.name).toBe('EmptyAuthListError')
    expect(err.shortMessage).toBe('EIP-7702 transaction with empty auth list')
  })

  it('error: a typed tx whose chain id is a list is undecodable', async () => {
    const raw = await eip1559()
    const fields = fromRlp(`0x${raw.slice(4)}`) as Hex[]
    const bad = `0x02${toRlp([[fields[0]], ...fields.slice(1)] as never).slice(2)}` as Hex
    const err = rejection(bad)
    expect(err.name).toBe('TxDecodeError')
    expect(err.shortMessage).toBe('rlp: invalid transaction: expected input string or byte for chain id')
    expect(rejection('0x01c0').shortMessage).toBe('rlp: invalid transaction: too few elements')
  })

  it('error: a decode error never carries ethereumjs’s dump of the tx', async () => {
    // ethereumjs rejects gas * price above 2^256 - 1 with '… (tx type=1 hash=… nonce=… value=… signed=… hf=…)'
    const raw = await signTx({
      type: 'eip2930',
      chainId: CHAIN_ID,
      nonce: 0,
      to: TO,
      gas: 21_000n,
      gasPrice: 2n ** 256n - 1n,
      accessList: [],
    })
    const err = rejection(raw)
    expect(err.name).toBe('TxDecodeError')
    expect(err.shortMessage).toBe('rlp: invalid transaction: gasLimit * gasPrice cannot exceed MAX_INTEGER')
    expect(err.message).not.toContain('tx type=')
  })

  it('error: garbage bytes', () => {
    for (const raw of ['0xdeadbeef', '0x02deadbeef', '0x80', '0xc0', `0x${'ff'.repeat(64)}`] as Hex[]) {
      const err = rejection(raw)
      expect(err.name, raw).toBe('TxDecodeError')
      expect(err.shortMessage, raw).toMatch(/^rlp: invalid transaction: /)
    }
  })

  it('error: empty input', () => {
    const err = rejection(new Uint8Array())
    expect(err.name).toBe('TxDecodeError')
    expect(err.shortMessage).toBe('rlp: invalid transaction: empty input')
  })

  it('error: trailing bytes after a valid tx', async () => {
    const raw = await eip1559()
    const err = rejection(`${raw}00` as Hex)
    expect(err.name).toBe('TxDecodeError')
  })

  it('error: unsigned tx', async () => {
    const fields: Hex[] = [q(BigInt(CHAIN_ID)), '0x', q(GWEI), q(2n * GWEI), q(21_000n), TO, '0x', '0x']
    const err = rejection(`0x02${toRlp([...fields, [], '0x', '0x', '0x']).slice(2)}` as Hex)
    expect(err.shortMessage).toBe('invalid sender')
  })
})
