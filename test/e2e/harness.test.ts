// The harness itself: the target starts on a free port, answers HTTP and WS on the same port,
// and restart() (graceful SIGTERM) keeps the chain in DATA_DIR (Anvil: --state file).
import { createPublicClient, createWalletClient, http, parseEther, webSocket } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainOf, devAccounts, type RunningTarget, rpc, startTarget, targetKind } from './harness.ts'

let t: RunningTarget

beforeAll(async () => {
  t = await startTarget({ client: 'harness' })
})

afterAll(async () => {
  await t?.stop()
})

describe(`harness (${targetKind()})`, () => {
  it('derives the ten well-known dev keys from the mnemonic', () => {
    expect(devAccounts).toHaveLength(10)
    expect(devAccounts[0].privateKey).toBe('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
    expect(devAccounts[1].address).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')
    expect(new Set(devAccounts.map((a) => a.address)).size).toBe(10)
  })

  it('serves HTTP and WebSocket on one port with the configured chain id', async () => {
    expect(new URL(t.url).port).toBe(new URL(t.wsUrl).port)
    expect(Number(BigInt(await rpc<string>(t.url, 'eth_chainId')))).toBe(t.chainId)
    const ws = createPublicClient({ transport: webSocket(t.wsUrl) })
    try {
      expect(await ws.getChainId()).toBe(t.chainId)
    } finally {
      await ws.transport.getRpcClient().then((c) => c.close())
    }
  })

  it('restart() keeps blocks, receipts, balances and nonces', async () => {
    const chain = chainOf(t)
    const pub = createPublicClient({ chain, transport: http(t.url), pollingInterval: 100 })
    const w = createWalletClient({ account: devAccounts[3].account, chain, transport: http(t.url) })
    const to = privateKeyToAccount(generatePrivateKey()).address
    const hash = await w.sendTransaction({ to, value: parseEther('2') })
    const receipt = await pub.waitForTransactionReceipt({ hash })
    const head = await pub.getBlock()
    const nonce = await pub.getTransactionCount({ address: devAccounts[3].address })
    const pidBefore = t.pid()

    await t.restart()
    expect(t.pid()).not.toBe(pidBefore)

    const pub2 = createPublicClient({ chain, transport: http(t.url), pollingInterval: 100 })
    const head2 = await pub2.getBlock({ blockNumber: head.number! })
    expect(head2.hash).toBe(head.hash)
    expect(await pub2.getBalance({ address: to })).toBe(parseEther('2'))
    expect(await pub2.getTransactionCount({ address: devAccounts[3].address })).toBe(nonce)
    const r2 = await pub2.getTransactionReceipt({ hash })
    expect(r2.blockHash).toBe(receipt.blockHash)
    expect(r2.status).toBe('success')

    // and the chain keeps going from there
    const hash2 = await w.sendTransaction({ to, value: 1n })
    const receipt2 = await pub2.waitForTransactionReceipt({ hash: hash2 })
    expect(receipt2.blockNumber).toBeGreaterThan(head.number!)
    expect(await pub2.getBalance({ address: to })).toBe(parseEther('2') + 1n)
  })
})
