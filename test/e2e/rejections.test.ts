// Every way eth_sendRawTransaction and the JSON-RPC layer can say no, against a real node process:
// geth's -32000 messages for rejected txs, the JSON-RPC 2.0 protocol codes, batches that mix good and
// bad calls, then a check that the node still serves and that balances add up to the wei.

import {
  type Address,
  fromRlp,
  type Hex,
  hexToBigInt,
  keccak256,
  numberToHex,
  type TransactionSerializable,
  toRlp,
} from 'viem'
import { generatePrivateKey, privateKeyToAccount, sign } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devAccounts, type RunningTarget, startNode, waitFor } from './harness.ts'

const CHAIN_ID = 901901
const GWEI = 10n ** 9n
const ETH = 10n ** 18n
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

const sender = devAccounts[0]
const queuer = devAccounts[1]
const recipient = privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Address
const pauper = privateKeyToAccount(generatePrivateKey())

type RpcResponse = {
  jsonrpc: '2.0'
  id: unknown
  result?: unknown
  error?: { code: number; message: string; data?: unknown }
}

let t: RunningTarget

async function post(body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) }
}

let nextId = 1
async function call(method: string, params: unknown[] = []): Promise<RpcResponse> {
  const id = nextId++
  const { status, json } = await post({ jsonrpc: '2.0', id, method, params })
  expect(status).toBe(200)
  const r = json as RpcResponse
  expect(r.id).toBe(id)
  return r
}

async function result<T>(method: string, params: unknown[] = []): Promise<T> {
  const r = await call(method, params)
  if (r.error) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
  return r.result as T
}

const sendRaw = (raw: Hex) => call('eth_sendRawTransaction', [raw])

/** Asserts a -32000 rejection whose message is exactly `message` (or starts with it, for a RegExp-free prefix check). */
async function expectRejected(raw: Hex, message: string, { prefix = false } = {}): Promise<void> {
  const r = await sendRaw(raw)
  expect(r.result, `expected a rejection with '${message}'`).toBeUndefined()
  expect(r.error?.code).toBe(-32000)
  if (prefix)
    expect(r.error?.message.startsWith(message), `${r.error?.message} should start with ${message}`).toBe(true)
  else expect(r.error?.message).toBe(message)
  // a rejected tx leaves no trace
  if (r.error && raw.length < 100_000) expect(await result('eth_getTransactionByHash', [keccak256(raw)])).toBeNull()
}

type Signer = ReturnType<typeof privateKeyToAccount>
const signWith = (a: Signer, tx: TransactionSerializable) =>
  a.signTransaction(tx as Parameters<Signer['signTransaction']>[0])

const eip1559 = (over: Partial<TransactionSerializable> = {}, a: Signer = sender.account) =>
  signWith(a, {
    type: 'eip1559',
    chainId: CHAIN_ID,
    nonce: 0,
    to: recipient,
    value: 1n,
    gas: 21_000n,
    maxFeePerGas: 20n * GWEI,
    maxPriorityFeePerGas: GWEI,
    ...over,
  } as TransactionSerializable)

const q = (n: bigint): Hex => (n === 0n ? '0x' : numberToHex(n))

function toHighS(raw: Hex): Hex {
  const typed = Number.parseInt(raw.slice(2, 4), 16) <= 0x7f
  const fields = fromRlp((typed ? `0x${raw.slice(4)}` : raw) as Hex) as Hex[]
  const n = fields.length
  fields[n - 1] = numberToHex(N - hexToBigInt(fields[n - 1]), { size: 32 })
  const v = fields[n - 3] === '0x' ? 0n : hexToBigInt(fields[n - 3])
  fields[n - 3] = q(typed ? v ^ 1n : v % 2n === 1n ? v + 1n : v - 1n)
  const out = toRlp(fields as never)
  return (typed ? `0x${raw.slice(2, 4)}${out.slice(2)}` : out) as Hex
}

async function tipAboveFeeCap(): Promise<Hex> {
  const fields: Hex[] = [q(BigInt(CHAIN_ID)), q(0n), q(3n * GWEI), q(2n * GWEI), q(21_000n), recipient, q(0n), '0x']
  const unsigned = toRlp([...fields, []])
  const sig = await sign({ hash: keccak256(`0x02${unsigned.slice(2)}`), privateKey: sender.privateKey })
  return `0x02${toRlp([...fields, [], q(BigInt(sig.yParity ?? 0)), sig.r, sig.s]).slice(2)}` as Hex
}

async function waitReceipt(hash: Hex): Promise<Record<string, Hex>> {
  return waitFor(
    `receipt of ${hash}`,
    async () => (await result<Record<string, Hex> | null>('eth_getTransactionReceipt', [hash])) ?? undefined,
  )
}

/** Every tx of `sender` that made it into a block, by hash. */
const included: Hex[] = []
let sentValue = 0n

beforeAll(async () => {
  t = await startNode({ env: { LOG_LEVEL: 'warn' } })
})

afterAll(async () => {
  await t?.stop()
})

describe('eth_sendRawTransaction rejections', () => {
  it('default', async () => {
    const raw = await eip1559({ nonce: 0, value: 12_345n })
    const r = await sendRaw(raw)
    expect(r.error).toBeUndefined()
    expect(r.result).toBe(keccak256(raw))
    const receipt = await waitReceipt(r.result as Hex)
    expect(receipt.status).toBe('0x1')
    included.push(r.result as Hex)
    sentValue += 12_345n
  })

  it('error: oversized (more than 128 KiB)', async () => {
    await expectRejected(`0x${'00'.repeat(128 * 1024 + 1)}`, 'oversized data: transaction size 131073, limit 131072')
  })

  it('error: blob (type 3) and unknown tx types', async () => {
    await expectRejected('0x03c0', 'transaction type not supported')
    await expectRejected('0x05c0', 'transaction type not supported')
  })

  it('error: unprotected legacy tx', async () => {
    const raw = await signWith(sender.account, {
      type: 'legacy',
      nonce: 1,
      to: recipient,
      value: 1n,
      gas: 21_000n,
      gasPrice: 20n * GWEI,
    })
    await expectRejected(raw, 'only replay-protected (EIP-155) transactions allowed over RPC')
  })

  it('error: wrong chain id (legacy and typed)', async () => {
    const legacy = await signWith(sender.account, {
      type: 'legacy',
      chainId: 1,
      nonce: 1,
      to: recipient,
      value: 1n,
      gas: 21_000n,
      gasPrice: 20n * GWEI,
    })
    await expectRejected(legacy, 'invalid chain id for signer: have 1 want 901901')
    await expectRejected(
      await eip1559({ chainId: 31337, nonce: 1 }),
      'invalid chain id for signer: have 31337 want 901901',
    )
  })

  it('error: high-s signature', async () => {
    await expectRejected(toHighS(await eip1559({ nonce: 1 })), 'invalid sender')
  })

  it('error: gas above the block gas limit', async () => {
    await expectRejected(await eip1559({ nonce: 1, gas: 30_000_001n }), 'exceeds block gas limit')
  })

  it('error: intrinsic gas too low', async () => {
    await expectRejected(
      await eip1559({ nonce: 1, gas: 20_000n }),
      'intrinsic gas too low: gas 20000, minimum needed 21000',
    )
  })

  it('error: Prague calldata floor', async () => {
    await expectRejected(
      await eip1559({ nonce: 1, gas: 50_000n, data: `0x${'ab'.repeat(1000)}` }),
      'insufficient gas for floor data gas cost: gas 50000, minimum needed 61000',
    )
  })

  it('error: fee cap below the base fee floor', async () => {
    await expectRejected(
      await eip1559({ nonce: 1, maxFeePerGas: 999_999n, maxPriorityFeePerGas: 0n }),
      'max fee per gas less than block base fee: maxFeePerGas: 999999, baseFee: 1000000',
    )
  })

  it('error: tip above fee cap', async () => {
    await expectRejected(await tipAboveFeeCap(), 'max priority fee per gas higher than max fee per gas')
  })

  it('error: garbage bytes', async () => {
    await expectRejected('0xdeadbeef', 'rlp: invalid transaction: ', { prefix: true })
    await expectRejected('0x02deadbeef', 'rlp: invalid transaction: ', { prefix: true })
    await expectRejected('0xc3010203', 'rlp: invalid transaction: ', { prefix: true })
  })

  it('error: nonce too high', async () => {
    await expectRejected(await eip1559({ nonce: 66 }), 'nonce too high: next nonce 1, tx nonce 66, max gap 64')
  })

  it('error: insufficient funds', async () => {
    const raw = await eip1559({ nonce: 0, value: 1n }, pauper)
    const cost = 21_000n * 20n * GWEI + 1n
    await expectRejected(
      raw,
      `insufficient funds for gas * price + value: balance 0, tx cost ${cost}, overshot ${cost}`,
    )
  })

  it('error: replacement underpriced, then a 10% bump replaces', async () => {
    // nonce 3 of an account at nonce 0 stays queued, so the race with block production cannot interfere
    const first = await eip1559(
      { nonce: 3, maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: 10n * GWEI },
      queuer.account,
    )
    const r1 = await sendRaw(first)
    expect(r1.result).toBe(keccak256(first))
    await expectRejected(
      await eip1559({ nonce: 3, maxFeePerGas: 109n * GWEI, maxPriorityFeePerGas: 10_900_000_000n }, queuer.account),
      'replacement transaction underpriced',
    )
    await expectRejected(
      await eip1559({ nonce: 3, maxFeePerGas: 200n * GWEI, maxPriorityFeePerGas: 10n * GWEI }, queuer.account),
      'replacement transaction underpriced',
    )
    const bumped = await eip1559(
      { nonce: 3, maxFeePerGas: 110n * GWEI, maxPriorityFeePerGas: 11n * GWEI },
      queuer.account,
    )
    expect((await sendRaw(bumped)).result).toBe(keccak256(bumped))
    const content = await result<{
      pending: Record<string, unknown>
      queued: Record<string, Record<string, { hash: Hex }>>
    }>('txpool_content')
    const mine = Object.entries(content.queued).find(([a]) => a.toLowerCase() === queuer.address.toLowerCase())?.[1]
    expect(mine?.['3']?.hash).toBe(keccak256(bumped))
    expect(await result('eth_getTransactionByHash', [keccak256(first)])).toBeNull()
  })

  it('error: already known while pooled; once mined, a resend is nonce too low (as geth)', async () => {
    const queued = await eip1559(
      { nonce: 4, maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: 10n * GWEI },
      queuer.account,
    )
    expect((await sendRaw(queued)).result).toBe(keccak256(queued))
    const again = await sendRaw(queued)
    expect(again.error).toEqual({ code: -32000, message: 'already known' })

    const raw = await eip1559({ nonce: 1, value: 1_000n })
    const hash = (await sendRaw(raw)).result as Hex
    expect(hash).toBe(keccak256(raw))
    included.push(hash)
    sentValue += 1_000n
    await waitReceipt(hash)
    expect((await sendRaw(raw)).error).toEqual({ code: -32000, message: 'nonce too low: next nonce 2, tx nonce 1' })
  })

  it('error: insufficient funds for a tx on top of the sender’s queued txs', async () => {
    // queuer holds 10000 ETH and has nonces 3 and 4 queued (1 wei each, at 110 and 100 gwei)
    const queued = 21_000n * 110n * GWEI + 1n + 21_000n * 100n * GWEI + 1n
    const cost = 10_000n * ETH
    const raw = await eip1559({ nonce: 5, value: cost - 21_000n * 20n * GWEI }, queuer.account)
    await expectRejected(
      raw,
      `insufficient funds for gas * price + value: balance ${10_000n * ETH}, queued cost ${queued}, tx cost ${cost}, overshot ${queued}`,
    )
  })

  it('error: initcode over 49152 bytes', async () => {
    const raw = await eip1559({ nonce: 1, to: undefined, value: 0n, gas: 2_500_000n, data: `0x${'60'.repeat(49_153)}` })
    await expectRejected(raw, 'max initcode size exceeded: code size 49153, limit 49152')
  })

  it('error: EIP-7702 tx creating a contract, or with an empty authorization list', async () => {
    const auth = await sender.account.signAuthorization({ address: recipient, chainId: CHAIN_ID, nonce: 5 })
    const tuple = [q(BigInt(CHAIN_ID)), recipient, q(5n), q(BigInt(auth.yParity ?? 0)), auth.r, auth.s]
    const setCode = async (to: Hex, list: Hex[][]) => {
      const fields = [q(BigInt(CHAIN_ID)), q(1n), q(GWEI), q(20n * GWEI), q(100_000n), to, '0x', '0x', [], list]
      const unsigned = toRlp(fields as never)
      const sig = await sign({ hash: keccak256(`0x04${unsigned.slice(2)}`), privateKey: sender.privateKey })
      return `0x04${toRlp([...fields, q(BigInt(sig.yParity ?? 0)), sig.r, sig.s] as never).slice(2)}` as Hex
    }
    await expectRejected(await setCode('0x', [tuple]), 'EIP-7702 transaction cannot be used to create contract')
    await expectRejected(await setCode(recipient, []), 'EIP-7702 transaction with empty auth list')
  })

  it('error: nonce too low after inclusion', async () => {
    const raw = await signWith(sender.account, {
      type: 'legacy',
      chainId: CHAIN_ID,
      nonce: 2,
      to: recipient,
      value: 777n,
      gas: 21_000n,
      gasPrice: 5n * GWEI,
    })
    const hash = (await sendRaw(raw)).result as Hex
    included.push(hash)
    sentValue += 777n
    expect((await waitReceipt(hash)).status).toBe('0x1')
    await expectRejected(await eip1559({ nonce: 2, value: 5n }), 'nonce too low: next nonce 3, tx nonce 2')
    await expectRejected(await eip1559({ nonce: 0, value: 6n }), 'nonce too low: next nonce 3, tx nonce 0')
  })
})

describe('JSON-RPC protocol errors', () => {
  it('error: malformed JSON is -32700 with a null id', async () => {
    const { status, json } = await post('{"jsonrpc":"2.0","id":1,"method":"eth_chainId"')
    expect(status).toBe(200)
    expect(json).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } })
  })

  it('error: invalid requests are -32600', async () => {
    for (const body of [
      { jsonrpc: '2.0', id: 7 },
      { jsonrpc: '1.0', id: 7, method: 'eth_chainId' },
      { jsonrpc: '2.0', id: 7, method: 42 },
      { jsonrpc: '2.0', id: 7, method: 'eth_chainId', params: 'x' },
    ]) {
      const { json } = await post(body)
      expect(json, JSON.stringify(body)).toEqual({
        jsonrpc: '2.0',
        id: 7,
        error: { code: -32600, message: 'invalid request' },
      })
    }
    expect((await post(42)).json).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'invalid request' },
    })
    expect((await post([])).json).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'empty batch' } })
  })

  it('error: unknown method is -32601', async () => {
    const r = await call('eth_doesNotExist')
    expect(r.error).toEqual({ code: -32601, message: 'the method eth_doesNotExist does not exist/is not available' })
  })

  it('error: bad params are -32602', async () => {
    const missing = await call('eth_sendRawTransaction', [])
    expect(missing.error).toEqual({ code: -32602, message: 'missing value for required argument 0' })
    const notHex = await call('eth_sendRawTransaction', ['0xzz'])
    expect(notHex.error).toEqual({
      code: -32602,
      message: 'invalid argument 0: json: cannot unmarshal invalid hex string into Go value of type hexutil.Bytes',
    })
    const named = await post({ jsonrpc: '2.0', id: 3, method: 'eth_getBalance', params: { address: sender.address } })
    expect(named.json).toEqual({ jsonrpc: '2.0', id: 3, error: { code: -32602, message: 'non-array args' } })
    const badAddress = await call('eth_getBalance', ['0x1234', 'latest'])
    expect(badAddress.error).toEqual({
      code: -32602,
      message: 'invalid argument 0: hex string has length 4, want 40 for common.Address',
    })
  })

  it('behavior: a batch mixing good and bad calls is answered in order, each on its own', async () => {
    const garbage = '0xdeadbeef'
    const { status, json } = await post([
      { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] },
      { jsonrpc: '2.0', id: 2, method: 'eth_nope', params: [] },
      { jsonrpc: '2.0', id: 3, method: 'eth_getBalance', params: ['0x1234', 'latest'] },
      { jsonrpc: '2.0', id: 4, method: 'eth_sendRawTransaction', params: ['0x03c0'] },
      42,
      { jsonrpc: '2.0', method: 'eth_chainId', params: [] }, // notification: no answer
      { jsonrpc: '2.0', id: 'six', method: 'eth_sendRawTransaction', params: [garbage] },
      { jsonrpc: '2.0', id: 7, method: 'net_version' },
    ])
    expect(status).toBe(200)
    const out = json as RpcResponse[]
    expect(out).toHaveLength(7)
    expect(out[0]).toEqual({ jsonrpc: '2.0', id: 1, result: numberToHex(CHAIN_ID) })
    expect(out[1]).toEqual({
      jsonrpc: '2.0',
      id: 2,
      error: { code: -32601, message: 'the method eth_nope does not exist/is not available' },
    })
    expect(out[2]).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: { code: -32602, message: 'invalid argument 0: hex string has length 4, want 40 for common.Address' },
    })
    expect(out[3]).toEqual({
      jsonrpc: '2.0',
      id: 4,
      error: { code: -32000, message: 'transaction type not supported' },
    })
    expect(out[4]).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'invalid request' } })
    expect(out[5].id).toBe('six')
    expect(out[5].error?.code).toBe(-32000)
    expect(out[5].error?.message.startsWith('rlp: invalid transaction: ')).toBe(true)
    expect(out[6]).toEqual({ jsonrpc: '2.0', id: 7, result: String(CHAIN_ID) })
  })

  it('behavior: a batch of valid txs and a rejected one admits the valid ones', async () => {
    const good = await eip1559({ nonce: 3, value: 31n })
    const bad = await eip1559({ nonce: 3, value: 32n, gas: 20_000n })
    const { json } = await post([
      { jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [bad] },
      { jsonrpc: '2.0', id: 2, method: 'eth_sendRawTransaction', params: [good] },
    ])
    const [r1, r2] = json as RpcResponse[]
    expect(r1.error).toEqual({ code: -32000, message: 'intrinsic gas too low: gas 20000, minimum needed 21000' })
    expect(r2.result).toBe(keccak256(good))
    included.push(keccak256(good))
    sentValue += 31n
    await waitReceipt(keccak256(good))
  })
})

describe('after the rejections', () => {
  it('behavior: the node still serves and balances are exact to the wei', async () => {
    expect(await result('eth_chainId')).toBe(numberToHex(CHAIN_ID))
    const head = BigInt(await result<Hex>('eth_blockNumber'))
    expect(head).toBeGreaterThan(0n)

    let spent = 0n
    for (const hash of included) {
      const receipt = await waitReceipt(hash)
      const tx = await result<Record<string, Hex>>('eth_getTransactionByHash', [hash])
      expect(receipt.status).toBe('0x1')
      expect(receipt.from.toLowerCase()).toBe(sender.address.toLowerCase())
      spent += hexToBigInt(tx.value) + hexToBigInt(receipt.gasUsed) * hexToBigInt(receipt.effectiveGasPrice)
    }
    expect(included).toHaveLength(4)
    const balance = hexToBigInt(await result<Hex>('eth_getBalance', [sender.address, 'latest']))
    expect(balance).toBe(10_000n * ETH - spent)
    expect(hexToBigInt(await result<Hex>('eth_getBalance', [recipient, 'latest']))).toBe(sentValue)
    expect(sentValue).toBe(12_345n + 1_000n + 777n + 31n)
    expect(await result('eth_getTransactionCount', [sender.address, 'latest'])).toBe('0x4')
    // the account that only ever had queued txs spent nothing
    expect(hexToBigInt(await result<Hex>('eth_getBalance', [queuer.address, 'latest']))).toBe(10_000n * ETH)
    expect(await result('eth_getTransactionCount', [queuer.address, 'latest'])).toBe('0x0')
    expect(await result('eth_getTransactionCount', [queuer.address, 'pending'])).toBe('0x0')
    expect(await result('txpool_status')).toEqual({ pending: '0x0', queued: '0x2' })
    expect(hexToBigInt(await result<Hex>('eth_getBalance', [pauper.address, 'latest']))).toBe(0n)
    // and blocks keep coming
    await waitFor('a new block', async () => BigInt(await result<Hex>('eth_blockNumber')) > head || undefined, 10_000)
  })
})
