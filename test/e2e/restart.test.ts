// Durability across restarts, against a real node process: a graceful stop (SIGTERM) and a crash
// (SIGKILL right after eth_sendRawTransaction returned) on the same DATA_DIR. The chain, the state and
// every accepted tx must come back exactly: nothing lost, nothing duplicated, and blocks carry on.

import { type Address, type Hex, hexToBigInt, keccak256, numberToHex, type TransactionSerializable } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DevAccount, devAccounts, type RunningTarget, startNode, waitFor } from './harness.ts'

const CHAIN_ID = 901901
const GWEI = 10n ** 9n
const ETH = 10n ** 18n

const alice = devAccounts[0]
const bob = devAccounts[2]
const carol = devAccounts[3]
const recipient = privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Address

type RpcResponse = { result?: unknown; error?: { code: number; message: string } }
type Block = Record<string, unknown> & { number: Hex; hash: Hex; stateRoot: Hex; transactions: Hex[] }
type Pool = {
  pending: Record<string, Record<string, { hash: Hex }>>
  queued: Record<string, Record<string, { hash: Hex }>>
}

let t: RunningTarget

async function rpcCall(method: string, params: unknown[] = []): Promise<RpcResponse> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  return (await res.json()) as RpcResponse
}

async function result<T>(method: string, params: unknown[] = []): Promise<T> {
  const r = await rpcCall(method, params)
  if (r.error) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
  return r.result as T
}

const transfer = (from: DevAccount, nonce: number, value: bigint, over: Partial<TransactionSerializable> = {}) =>
  from.account.signTransaction({
    type: 'eip1559',
    chainId: CHAIN_ID,
    nonce,
    to: recipient,
    value,
    gas: 21_000n,
    maxFeePerGas: 20n * GWEI,
    maxPriorityFeePerGas: GWEI,
    ...over,
  } as Parameters<DevAccount['account']['signTransaction']>[0])

async function send(raw: Hex): Promise<Hex> {
  const hash = await result<Hex>('eth_sendRawTransaction', [raw])
  expect(hash).toBe(keccak256(raw))
  return hash
}

const receipt = (hash: Hex) => result<Record<string, Hex> | null>('eth_getTransactionReceipt', [hash])
const waitReceipt = (hash: Hex) => waitFor(`receipt of ${hash}`, async () => (await receipt(hash)) ?? undefined)
const head = () => result<Block>('eth_getBlockByNumber', ['latest', false])
const balance = async (a: Address) => hexToBigInt(await result<Hex>('eth_getBalance', [a, 'latest']))
const nonceOf = async (a: Address, tag = 'latest') =>
  Number(BigInt(await result<Hex>('eth_getTransactionCount', [a, tag])))

/** Every block from genesis to the head. */
async function allBlocks(): Promise<Block[]> {
  const n = Number(BigInt(await result<Hex>('eth_blockNumber')))
  const out: Block[] = []
  for (let i = 0; i <= n; i++) out.push(await result<Block>('eth_getBlockByNumber', [numberToHex(i), false]))
  return out
}

/** tx hash → where it is now: mined (each block holding it), pending or queued in the pool. Only for txs that are not moving. */
async function whereIs(hashes: Hex[]): Promise<Map<Hex, string[]>> {
  const pool = await result<Pool>('txpool_content')
  const found = new Map<Hex, string[]>(hashes.map((h) => [h, []]))
  for (const b of await allBlocks())
    for (const h of b.transactions) found.get(h.toLowerCase() as Hex)?.push(`block ${BigInt(b.number)}`)
  for (const kind of ['pending', 'queued'] as const)
    for (const byNonce of Object.values(pool[kind]))
      for (const tx of Object.values(byNonce)) found.get(tx.hash)?.push(kind)
  return found
}

/** Like {@link whereIs}, but from one JSON-RPC batch (pool and receipts read in the same tick). */
async function snapshot(hashes: Hex[]): Promise<Map<Hex, string[]>> {
  const body = [
    { jsonrpc: '2.0', id: 0, method: 'txpool_content', params: [] },
    ...hashes.map((h, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'eth_getTransactionReceipt', params: [h] })),
  ]
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const [poolAnswer, ...receipts] = (await res.json()) as RpcResponse[]
  const pool = poolAnswer.result as Pool
  const found = new Map<Hex, string[]>(hashes.map((h) => [h, []]))
  hashes.forEach((h, i) => {
    const r = receipts[i].result as Record<string, Hex> | null
    if (r) found.get(h)!.push(`block ${BigInt(r.blockNumber)}`)
  })
  for (const kind of ['pending', 'queued'] as const)
    for (const byNonce of Object.values(pool[kind]))
      for (const tx of Object.values(byNonce)) found.get(tx.hash)?.push(kind)
  return found
}

/** What alice spent on her mined txs: value + gasUsed * effectiveGasPrice, from the receipts. */
async function spentBy(hashes: Hex[]): Promise<bigint> {
  let spent = 0n
  for (const h of hashes) {
    const r = await receipt(h)
    if (!r) continue
    const tx = await result<Record<string, Hex>>('eth_getTransactionByHash', [h])
    spent += hexToBigInt(tx.value) + hexToBigInt(r.gasUsed) * hexToBigInt(r.effectiveGasPrice)
  }
  return spent
}

const aliceTxs: Hex[] = []
let sentToRecipient = 0n
/** Slot 0 of this contract holds 42 (init code: PUSH1 42 PUSH1 0 SSTORE STOP). */
let storageHolder: Address

beforeAll(async () => {
  // No idle blocks: the head only moves when there is work, so it can be compared across a restart.
  t = await startNode({ env: { LOG_LEVEL: 'warn', IDLE_BLOCK_MS: '3600000', BLOCK_TIME_MS: '100' } })
})

afterAll(async () => {
  await t?.stop()
})

describe('restart', () => {
  it('default', async () => {
    for (const [i, value] of [1_000n, 2_000n, 3_000n].entries()) {
      aliceTxs.push(await send(await transfer(alice, i, value)))
      sentToRecipient += value
    }
    const deploy = await send(
      await alice.account.signTransaction({
        type: 'eip1559',
        chainId: CHAIN_ID,
        nonce: 3,
        data: '0x602a60005500',
        gas: 100_000n,
        maxFeePerGas: 20n * GWEI,
        maxPriorityFeePerGas: GWEI,
      }),
    )
    aliceTxs.push(deploy)
    for (const h of aliceTxs) expect((await waitReceipt(h)).status).toBe('0x1')
    storageHolder = (await receipt(deploy))!.contractAddress as Address
    expect(await result('eth_getStorageAt', [storageHolder, '0x0', 'latest'])).toBe(`0x${'00'.repeat(31)}2a`)
  })

  it('behavior: after SIGTERM the chain, state and pool come back identical', async () => {
    // a gapped tx waits in the pool across the restart
    const gapped = await send(await transfer(carol, 1, 5n))

    const before = await allBlocks()
    const tip = before[before.length - 1]
    const balances = {
      alice: await balance(alice.address),
      recipient: await balance(recipient),
      carol: await balance(carol.address),
    }
    expect(balances.recipient).toBe(sentToRecipient)
    expect(balances.alice).toBe(10_000n * ETH - (await spentBy(aliceTxs)))
    const receiptsBefore = await Promise.all(aliceTxs.map(receipt))
    const fullTip = await result<Block>('eth_getBlockByNumber', [tip.number, true])

    await t.stop('SIGTERM')
    expect(t.logs()).toMatch(/exited code=0 signal=null/)
    await t.restart()

    const after = await allBlocks()
    expect(after.length).toBe(before.length)
    expect(after).toEqual(before)
    const newTip = await head()
    expect(newTip.number).toBe(tip.number)
    expect(newTip.hash).toBe(tip.hash)
    expect(newTip.stateRoot).toBe(tip.stateRoot)
    expect(await result('eth_getBlockByNumber', [tip.number, true])).toEqual(fullTip)
    expect(await result('eth_getBlockByHash', [tip.hash, false])).toEqual(tip)
    expect(await balance(alice.address)).toBe(balances.alice)
    expect(await balance(recipient)).toBe(balances.recipient)
    expect(await balance(carol.address)).toBe(10_000n * ETH)
    expect(await nonceOf(alice.address)).toBe(4)
    expect(await result('eth_getStorageAt', [storageHolder, '0x0', 'latest'])).toBe(`0x${'00'.repeat(31)}2a`)
    expect(await Promise.all(aliceTxs.map(receipt))).toEqual(receiptsBefore)
    // state at past blocks is still served
    expect(
      hexToBigInt(await result<Hex>('eth_getBalance', [recipient, numberToHex(BigInt(tip.number) - 1n)])),
    ).toBeLessThanOrEqual(sentToRecipient)
    // the gapped tx survived in the pool, still queued
    expect((await whereIs([gapped])).get(gapped)).toEqual(['queued'])
    expect(await nonceOf(carol.address, 'pending')).toBe(0)

    // the next block builds on the old head
    const h = await send(await transfer(alice, 4, 4_000n))
    aliceTxs.push(h)
    sentToRecipient += 4_000n
    const r = await waitReceipt(h)
    expect(BigInt(r.blockNumber)).toBe(BigInt(tip.number) + 1n)
    const next = await result<Block>('eth_getBlockByNumber', [r.blockNumber, false])
    expect(next.parentHash).toBe(tip.hash)
  })

  it('behavior: txs accepted right before a SIGKILL are neither lost nor duplicated', async () => {
    const start = await nonceOf(alice.address)
    expect(start).toBe(5)
    // alice: a future nonce (gap at start + 1) and a normal one; bob: a batch of five in a row
    const future = await send(await transfer(alice, start + 2, 7_000n))
    const normal = await send(await transfer(alice, start, 5_000n))
    const batch = await Promise.all([0, 1, 2, 3, 4].map((n) => transfer(bob, n, BigInt(n + 1))))
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        batch.map((raw, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_sendRawTransaction', params: [raw] })),
      ),
    })
    const answers = (await res.json()) as RpcResponse[]
    const bobTxs = answers.map((a) => a.result as Hex)
    expect(bobTxs).toEqual(batch.map((raw) => keccak256(raw)))
    // crash right after the last answer
    await t.stop('SIGKILL')
    expect(t.logs()).toMatch(/signal=SIGKILL/)
    await t.restart()

    const accepted = [future, normal, ...bobTxs]
    // One batch is one consistent snapshot (the dispatcher starts every handler in the same tick), so a tx
    // mined meanwhile cannot show up twice or not at all.
    const where = await snapshot(accepted)
    for (const h of accepted) {
      const places = where.get(h)!
      expect(places, `${h} is ${places.join(', ') || 'missing'}`).toHaveLength(1)
      expect(await result('eth_getTransactionByHash', [h])).not.toBeNull()
    }
    expect(where.get(future)).toEqual(['queued'])
    expect(await nonceOf(carol.address, 'pending')).toBe(0)

    // the pending ones get mined after the restart; the gapped one waits
    const mined = [normal, ...bobTxs]
    for (const h of mined) expect((await waitReceipt(h)).status).toBe('0x1')
    expect(await receipt(future)).toBeNull()
    expect(await nonceOf(alice.address)).toBe(start + 1)
    expect(await nonceOf(alice.address, 'pending')).toBe(start + 1)
    expect(await nonceOf(bob.address)).toBe(5)
    aliceTxs.push(normal)
    sentToRecipient += 5_000n + 1n + 2n + 3n + 4n + 5n

    // filling the gap releases the queued tx; blocks continue
    const filler = await send(await transfer(alice, start + 1, 6_000n))
    aliceTxs.push(filler, future)
    sentToRecipient += 6_000n + 7_000n
    for (const h of [filler, future]) expect((await waitReceipt(h)).status).toBe('0x1')
    expect(await nonceOf(alice.address)).toBe(start + 3)

    // each tx in exactly one block
    const final = await whereIs([...accepted, filler])
    for (const [h, places] of final) {
      expect(places, h).toHaveLength(1)
      expect(places[0], h).toMatch(/^block \d+$/)
    }
    const blocks = await allBlocks()
    for (let i = 1; i < blocks.length; i++) expect(blocks[i].parentHash).toBe(blocks[i - 1].hash)

    expect(await balance(recipient)).toBe(sentToRecipient)
    expect(await balance(alice.address)).toBe(10_000n * ETH - (await spentBy(aliceTxs)))
    expect(await balance(bob.address)).toBe(10_000n * ETH - (await spentBy(bobTxs)))
    // the pool holds only carol's gapped tx
    expect(await result('txpool_status')).toEqual({ pending: '0x0', queued: '0x1' })
  })

  it('behavior: a second SIGTERM restart after the crash still agrees', async () => {
    const tip = await head()
    const bal = await balance(alice.address)
    await t.restart()
    const again = await head()
    expect(again.hash).toBe(tip.hash)
    expect(again.stateRoot).toBe(tip.stateRoot)
    expect(await balance(alice.address)).toBe(bal)
    expect(await result('txpool_status')).toEqual({ pending: '0x0', queued: '0x1' })
  })
})
