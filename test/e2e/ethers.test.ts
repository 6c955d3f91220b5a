// ethers v6 against the target: JsonRpcProvider + Wallet, ETH transfer, ContractFactory deploys, calls,
// custom-error decoding and queryFilter.
import {
  type Contract,
  ContractFactory,
  type EventLog,
  getAddress,
  getCreateAddress,
  JsonRpcProvider,
  type Log,
  parseEther,
  parseUnits,
  Wallet,
  ZeroAddress,
  zeroPadValue,
} from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileContractFiles } from '../../contracts/compile.ts'
import { devAccounts, type RunningTarget, startTarget } from './harness.ts'

const artifacts = compileContractFiles(['src/Emitter.sol', 'src/TestToken.sol'])

let t: RunningTarget
let provider: JsonRpcProvider

const signer = (i: number) => new Wallet(devAccounts[i].privateKey, provider)
const freshAddress = () => Wallet.createRandom().address

beforeAll(async () => {
  t = await startTarget({ client: 'ethers' })
  provider = new JsonRpcProvider(t.url, t.chainId, {
    staticNetwork: true,
    pollingInterval: 100,
    cacheTimeout: -1, // ethers caches identical requests for 250ms by default: stale balances/nonces
  })
})

afterAll(async () => {
  provider?.destroy()
  await t?.stop()
})

describe('ethers v6', () => {
  it('reports the network and the dev balances', async () => {
    const net = await provider.getNetwork()
    expect(net.chainId).toBe(BigInt(t.chainId))
    expect(await provider.getBlockNumber()).toBeGreaterThanOrEqual(0)
    expect(await provider.getBalance(devAccounts[0].address)).toBeGreaterThan(parseEther('1000'))
    // a second provider without staticNetwork detects the chain itself
    const p2 = new JsonRpcProvider(t.url)
    try {
      expect((await p2.getNetwork()).chainId).toBe(BigInt(t.chainId))
    } finally {
      p2.destroy()
    }
  })

  it('sends ETH (EIP-1559 by default) and wait() returns an exact receipt', async () => {
    const w = signer(0)
    const to = freshAddress()
    const value = parseEther('0.5')
    const before = await provider.getBalance(w.address)
    const nonce = await w.getNonce('pending')
    const tx = await w.sendTransaction({ to, value })
    expect(tx.nonce).toBe(nonce)
    expect(tx.type).toBe(2)
    expect(tx.chainId).toBe(BigInt(t.chainId))
    const receipt = await tx.wait()
    expect(receipt).not.toBeNull()
    expect(receipt!.status).toBe(1)
    expect(receipt!.hash).toBe(tx.hash)
    expect(receipt!.gasUsed).toBe(21_000n)
    expect(receipt!.to).toBe(to)
    expect(receipt!.from).toBe(w.address)
    expect(await provider.getBalance(to)).toBe(value)
    expect(before - (await provider.getBalance(w.address))).toBe(value + receipt!.gasUsed * receipt!.gasPrice)
    expect(await w.getNonce('latest')).toBe(nonce + 1)

    const fetched = await provider.getTransaction(tx.hash)
    expect(fetched?.blockNumber).toBe(receipt!.blockNumber)
    expect(fetched?.value).toBe(value)
    const block = await provider.getBlock(receipt!.blockNumber)
    expect(block?.hash).toBe(receipt!.blockHash)
    expect(block?.transactions).toContain(tx.hash)
  })

  it('sends a legacy (type 0) transaction with an explicit gasPrice', async () => {
    const w = signer(1)
    const to = freshAddress()
    const gasPrice = parseUnits('4', 'gwei')
    const before = await provider.getBalance(w.address)
    const tx = await w.sendTransaction({ to, value: 1000n, type: 0, gasPrice })
    const receipt = await tx.wait()
    expect(receipt!.status).toBe(1)
    expect(receipt!.type).toBe(0)
    expect(receipt!.gasPrice).toBe(gasPrice)
    expect(await provider.getBalance(to)).toBe(1000n)
    expect(before - (await provider.getBalance(w.address))).toBe(1000n + 21_000n * gasPrice)
  })

  it('exposes fee data', async () => {
    const fee = await provider.getFeeData()
    expect(fee.gasPrice).not.toBeNull()
    expect(fee.maxFeePerGas).not.toBeNull()
    expect(fee.maxPriorityFeePerGas).not.toBeNull()
    expect(fee.maxFeePerGas!).toBeGreaterThanOrEqual(fee.maxPriorityFeePerGas!)
  })

  describe('contracts', () => {
    let emitter: Contract
    let emitterAddress: string
    let deployBlock: number

    beforeAll(async () => {
      const w = signer(2)
      const nonce = await w.getNonce('pending')
      const factory = new ContractFactory(artifacts.Emitter.abi as never, artifacts.Emitter.bytecode, w)
      const c = await factory.deploy()
      await c.waitForDeployment()
      emitterAddress = await c.getAddress()
      expect(emitterAddress).toBe(getCreateAddress({ from: w.address, nonce }))
      const receipt = await c.deploymentTransaction()!.wait()
      expect(receipt!.status).toBe(1)
      expect(receipt!.contractAddress).toBe(emitterAddress)
      deployBlock = receipt!.blockNumber
      emitter = c as Contract
    })

    it('deployed the exact runtime code', async () => {
      expect(await provider.getCode(emitterAddress)).toBe(artifacts.Emitter.deployedBytecode)
      expect(await emitter.count()).toBe(0n)
    })

    it('calls a write function and decodes the event from the receipt', async () => {
      const w = signer(2)
      const tx = await (emitter.connect(w) as Contract).set(5n, 500n)
      const receipt = await tx.wait()
      expect(receipt.status).toBe(1)
      expect(receipt.logs).toHaveLength(1)
      const ev = receipt.logs[0] as EventLog
      expect(ev.fragment.name).toBe('ValueSet')
      expect(ev.args.setter).toBe(w.address)
      expect(ev.args.key).toBe(5n)
      expect(ev.args.value).toBe(500n)
      expect(ev.address).toBe(emitterAddress)
      expect(ev.topics[1]).toBe(zeroPadValue(w.address.toLowerCase(), 32))
      expect(await emitter.values(5n)).toBe(500n)
      expect(await emitter.count()).toBe(1n)
    })

    it('queryFilter by indexed args and block range', async () => {
      const a = signer(2)
      const b = signer(3)
      const ra = await (await (emitter.connect(a) as Contract).set(6n, 600n)).wait()
      const rb = await (await (emitter.connect(b) as Contract).set(7n, 700n)).wait()

      const bySetterB = await emitter.queryFilter(emitter.filters.ValueSet(b.address), deployBlock, 'latest')
      expect(bySetterB).toHaveLength(1)
      expect((bySetterB[0] as EventLog).args.toObject()).toEqual({ setter: b.address, key: 7n, value: 700n })
      expect(bySetterB[0].transactionHash).toBe(rb.hash)

      const byKey = await emitter.queryFilter(emitter.filters.ValueSet(null, 6n), deployBlock, 'latest')
      expect(byKey.map((e: Log) => e.transactionHash)).toEqual([ra.hash])

      const all = await emitter.queryFilter(emitter.filters.ValueSet(), deployBlock)
      expect(all.map((e: Log) => e.transactionHash).slice(-2)).toEqual([ra.hash, rb.hash])
      expect(all).toHaveLength(3) // set(5), set(6), set(7)

      const firstOnly = await emitter.queryFilter('ValueSet', ra.blockNumber, ra.blockNumber)
      expect(firstOnly.map((e: Log) => e.transactionHash)).toEqual([ra.hash])

      expect(await emitter.queryFilter(emitter.filters.ValueSet(freshAddress()), deployBlock)).toEqual([])

      // raw provider.getLogs with topics array
      const logs = await provider.getLogs({
        address: emitterAddress,
        topics: [emitter.interface.getEvent('ValueSet')!.topicHash, null, zeroPadValue('0x07', 32)],
        fromBlock: deployBlock,
        toBlock: 'latest',
      })
      expect(logs.map((l) => l.transactionHash)).toEqual([rb.hash])
    })

    it('decodes custom errors from staticCall, estimateGas and a mined revert', async () => {
      const w = signer(4)
      const c = emitter.connect(w) as Contract
      const err = await c.fail.staticCall(3n).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'CALL_EXCEPTION' })
      const revert = (err as { revert: { name: string; args: unknown[] } }).revert
      expect(revert.name).toBe('TooLarge')
      expect([...revert.args]).toEqual([3n, 1_000_000n])

      const err2 = await c.onlyNobody.staticCall().catch((e: unknown) => e)
      expect((err2 as { revert: { name: string; args: unknown[] } }).revert.name).toBe('Unauthorized')
      expect([...(err2 as { revert: { args: unknown[] } }).revert.args]).toEqual([w.address])

      // estimateGas errors are not decoded against the ABI by ethers; the revert data must be on the error
      const err3 = await c.set.estimateGas(1n, 2_000_000n).catch((e: unknown) => e)
      expect(err3).toMatchObject({ code: 'CALL_EXCEPTION', action: 'estimateGas' })
      const parsed = c.interface.parseError((err3 as { data: string }).data)
      expect(parsed?.name).toBe('TooLarge')
      expect([...parsed!.args]).toEqual([2_000_000n, 1_000_000n])

      // mined revert: explicit gasLimit skips estimation; wait() rejects with CALL_EXCEPTION and a receipt
      const tx = await c.set(1n, 2_000_000n, { gasLimit: 100_000n })
      const waitErr = await tx.wait().catch((e: unknown) => e)
      expect(waitErr).toMatchObject({ code: 'CALL_EXCEPTION' })
      const receipt = (waitErr as { receipt: { status: number; gasUsed: bigint } }).receipt
      expect(receipt.status).toBe(0)
      expect(receipt.gasUsed).toBeGreaterThan(21_000n)
    })

    it('deploys an OpenZeppelin ERC-20 and moves exact amounts', async () => {
      const owner = signer(5)
      const supply = parseEther('1000000')
      const factory = new ContractFactory(artifacts.TestToken.abi as never, artifacts.TestToken.bytecode, owner)
      const token = (await factory.deploy(supply)) as Contract
      await token.waitForDeployment()
      const tokenAddress = await token.getAddress()
      expect(await token.name()).toBe('Test Token')
      expect(await token.symbol()).toBe('TST')
      expect(await token.decimals()).toBe(18n)
      expect(await token.totalSupply()).toBe(supply)
      expect(await token.balanceOf(owner.address)).toBe(supply)

      const to = freshAddress()
      const amount = parseEther('123.456')
      const receipt = await (await token.transfer(to, amount)).wait()
      expect(receipt.status).toBe(1)
      expect(await token.balanceOf(to)).toBe(amount)
      expect(await token.balanceOf(owner.address)).toBe(supply - amount)

      const transfers = await token.queryFilter(token.filters.Transfer(owner.address, to))
      expect(transfers).toHaveLength(1)
      expect((transfers[0] as EventLog).args.toObject()).toEqual({ from: owner.address, to, value: amount })
      // mint event from the constructor
      const mints = await token.queryFilter(token.filters.Transfer(ZeroAddress, owner.address))
      expect(mints).toHaveLength(1)
      expect(getAddress((mints[0] as EventLog).address)).toBe(tokenAddress)

      // ERC20InsufficientBalance custom error from OpenZeppelin v5
      const poor = signer(6)
      const err = await (token.connect(poor) as Contract).transfer.staticCall(to, 1n).catch((e: unknown) => e)
      expect((err as { revert: { name: string; args: unknown[] } }).revert.name).toBe('ERC20InsufficientBalance')
      expect([...(err as { revert: { args: unknown[] } }).revert.args]).toEqual([poor.address, 0n, 1n])
    })
  })
})
