// viem against the target (our node, or Anvil with E2E_TARGET=anvil): every tx type, deploy, logs, filters,
// WebSocket subscriptions, calls/estimates/reverts, fee history, pending nonces and block/header integrity.

import {
  type Abi,
  type Address,
  BaseError,
  type Block,
  ContractFunctionRevertedError,
  concat,
  createPublicClient,
  createWalletClient,
  encodeAbiParameters,
  encodeErrorResult,
  encodeFunctionData,
  getAbiItem,
  getAddress,
  getContractAddress,
  type Hex,
  http,
  keccak256,
  numberToHex,
  type PublicClient,
  padHex,
  parseEther,
  parseGwei,
  type RpcBlock,
  toEventSelector,
  toRlp,
  webSocket,
} from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileContractFiles } from '../../contracts/compile.ts'
import { chainOf, type DevAccount, devAccounts, type RunningTarget, startTarget, waitFor } from './harness.ts'

const artifacts = compileContractFiles(['src/Emitter.sol'])
const emitterAbi = artifacts.Emitter.abi
const EMITTER_MAX = 1_000_000n

const freshAddress = (): Address => privateKeyToAccount(generatePrivateKey()).address

let t: RunningTarget
let pub: PublicClient
let chain: ReturnType<typeof chainOf>
let emitter: Address
let emitterDeployBlock: bigint

function wallet(a: DevAccount) {
  return createWalletClient({ account: a.account, chain, transport: http(t.url) })
}

/** RLP-encode an execution-layer header from its JSON-RPC form and hash it (Prague field order). */
function headerHash(b: RpcBlock): Hex {
  const int = (h: Hex | null | undefined): Hex => {
    const n = BigInt(h ?? 0)
    return n === 0n ? '0x' : numberToHex(n)
  }
  const raw = b as RpcBlock & { requestsHash?: Hex }
  const fields: Hex[] = [
    raw.parentHash,
    raw.sha3Uncles,
    raw.miner,
    raw.stateRoot,
    raw.transactionsRoot,
    raw.receiptsRoot,
    raw.logsBloom!,
    int(raw.difficulty),
    int(raw.number),
    int(raw.gasLimit),
    int(raw.gasUsed),
    int(raw.timestamp),
    raw.extraData,
    raw.mixHash,
    raw.nonce!,
  ]
  // post-London / Shanghai / Cancun / Prague optional tail, in order
  if (raw.baseFeePerGas != null) fields.push(int(raw.baseFeePerGas))
  if (raw.withdrawalsRoot != null) fields.push(raw.withdrawalsRoot)
  if (raw.blobGasUsed != null) fields.push(int(raw.blobGasUsed))
  if (raw.excessBlobGas != null) fields.push(int(raw.excessBlobGas))
  if (raw.parentBeaconBlockRoot != null) fields.push(raw.parentBeaconBlockRoot)
  if (raw.requestsHash != null) fields.push(raw.requestsHash)
  return keccak256(toRlp(fields))
}

const minBigInt = (a: bigint, b: bigint) => (a < b ? a : b)

function revertError(e: unknown): ContractFunctionRevertedError {
  expect(e).toBeInstanceOf(BaseError)
  const inner = (e as BaseError).walk((x) => x instanceof ContractFunctionRevertedError)
  expect(inner).toBeInstanceOf(ContractFunctionRevertedError)
  return inner as ContractFunctionRevertedError
}

async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (e) {
    return e
  }
  throw new Error('expected the promise to reject')
}

beforeAll(async () => {
  t = await startTarget({ client: 'viem' })
  chain = chainOf(t)
  pub = createPublicClient({ chain, transport: http(t.url), pollingInterval: 100 })
  const w = wallet(devAccounts[0])
  const hash = await w.deployContract({ abi: emitterAbi, bytecode: artifacts.Emitter.bytecode })
  const receipt = await pub.waitForTransactionReceipt({ hash })
  expect(receipt.status).toBe('success')
  emitter = getAddress(receipt.contractAddress!)
  emitterDeployBlock = receipt.blockNumber
})

afterAll(async () => {
  await t?.stop()
})

describe('chain basics', () => {
  it('answers eth_chainId / net_version and funds the ten dev accounts', async () => {
    expect(await pub.getChainId()).toBe(t.chainId)
    expect(await pub.request({ method: 'net_version' })).toBe(String(t.chainId))
    expect(devAccounts[0].address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
    expect(devAccounts[9].address).toBe('0xa0Ee7A142d267C1f36714E4a8F75612F20a79720')
    for (const a of devAccounts) {
      const genesisBalance = await pub.getBalance({ address: a.address, blockNumber: 0n })
      expect(genesisBalance).toBeGreaterThanOrEqual(parseEther('1000'))
    }
  })

  it('deployContract put the exact runtime code at the CREATE address', async () => {
    const expected = getContractAddress({ from: devAccounts[0].address, nonce: 0n })
    expect(emitter).toBe(expected)
    expect(await pub.getCode({ address: emitter })).toBe(artifacts.Emitter.deployedBytecode)
    expect(await pub.getCode({ address: emitter, blockNumber: emitterDeployBlock - 1n })).toBeUndefined()
    expect(await pub.readContract({ address: emitter, abi: emitterAbi, functionName: 'count' })).toBe(0n)
  })
})

describe('transaction types', () => {
  it('legacy (EIP-155): exact hash, v, gas and balances', async () => {
    const from = devAccounts[1]
    const w = wallet(from)
    const to = freshAddress()
    const value = parseEther('1.25')
    const gasPrice = parseGwei('3')
    const before = await pub.getBalance({ address: from.address })
    const request = await w.prepareTransactionRequest({ to, value, type: 'legacy', gasPrice })
    expect(request.gas).toBe(21_000n)
    const signed = await w.signTransaction(request)
    const hash = await pub.sendRawTransaction({ serializedTransaction: signed })
    expect(hash).toBe(keccak256(signed))
    const receipt = await pub.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    expect(receipt.type).toBe('legacy')
    expect(receipt.gasUsed).toBe(21_000n)
    expect(receipt.effectiveGasPrice).toBe(gasPrice)
    expect(receipt.from).toBe(from.address.toLowerCase())
    expect(receipt.to).toBe(to.toLowerCase())
    expect(receipt.contractAddress).toBeNull()
    expect(receipt.logs).toEqual([])

    const tx = await pub.getTransaction({ hash })
    expect(tx.type).toBe('legacy')
    expect(tx.chainId).toBe(t.chainId)
    expect([BigInt(t.chainId * 2 + 35), BigInt(t.chainId * 2 + 36)]).toContain(tx.v)
    expect(tx.gasPrice).toBe(gasPrice)
    expect(tx.value).toBe(value)
    expect(tx.blockNumber).toBe(receipt.blockNumber)
    expect(tx.transactionIndex).toBe(receipt.transactionIndex)

    expect(await pub.getBalance({ address: to })).toBe(value)
    const after = await pub.getBalance({ address: from.address })
    expect(before - after).toBe(value + 21_000n * gasPrice)
    // historical state by block number
    const atPrev = await pub.getBalance({ address: to, blockNumber: receipt.blockNumber - 1n })
    const atBlock = await pub.getBalance({ address: to, blockNumber: receipt.blockNumber })
    expect(atPrev).toBe(0n)
    expect(atBlock).toBe(value)
  })

  it('EIP-2930: access list is charged exactly (21000 + 2400 + 1900)', async () => {
    const from = devAccounts[2]
    const w = wallet(from)
    const to = freshAddress()
    const accessList = [{ address: emitter, storageKeys: [padHex('0x01', { size: 32 })] }]
    const before = await pub.getBalance({ address: from.address })
    const hash = await w.sendTransaction({ to, value: 7n, type: 'eip2930', accessList, gasPrice: parseGwei('2') })
    const receipt = await pub.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    expect(receipt.type).toBe('eip2930')
    expect(receipt.gasUsed).toBe(25_300n)
    expect(receipt.effectiveGasPrice).toBe(parseGwei('2'))
    const tx = await pub.getTransaction({ hash })
    expect(tx.type).toBe('eip2930')
    expect(tx.chainId).toBe(t.chainId)
    expect(tx.accessList?.map((e) => ({ ...e, address: getAddress(e.address) }))).toEqual(accessList)
    expect(tx.yParity === 0 || tx.yParity === 1).toBe(true)
    expect(await pub.getBalance({ address: to })).toBe(7n)
    expect(before - (await pub.getBalance({ address: from.address }))).toBe(7n + 25_300n * parseGwei('2'))
  })

  it('EIP-1559: effectiveGasPrice = min(maxFee, baseFee + tip)', async () => {
    const from = devAccounts[3]
    const w = wallet(from)
    const to = freshAddress()
    const maxPriorityFeePerGas = parseGwei('1')
    const maxFeePerGas = parseGwei('50')
    const before = await pub.getBalance({ address: from.address })
    const hash = await w.sendTransaction({ to, value: 12345n, maxFeePerGas, maxPriorityFeePerGas })
    const receipt = await pub.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    expect(receipt.type).toBe('eip1559')
    const block = await pub.getBlock({ blockNumber: receipt.blockNumber })
    expect(typeof block.baseFeePerGas).toBe('bigint')
    const expectedPrice = minBigInt(block.baseFeePerGas! + maxPriorityFeePerGas, maxFeePerGas)
    expect(receipt.effectiveGasPrice).toBe(expectedPrice)
    const tx = await pub.getTransaction({ hash })
    expect(tx.type).toBe('eip1559')
    expect(tx.maxFeePerGas).toBe(maxFeePerGas)
    expect(tx.maxPriorityFeePerGas).toBe(maxPriorityFeePerGas)
    expect(tx.gasPrice).toBe(expectedPrice) // JSON-RPC reports the effective price for mined 1559 txs
    expect(await pub.getBalance({ address: to })).toBe(12345n)
    expect(before - (await pub.getBalance({ address: from.address }))).toBe(12345n + 21_000n * expectedPrice)
  })

  it('EIP-7702: a sponsored authorization delegates an empty EOA to Emitter', async () => {
    const sponsor = devAccounts[4]
    const w = wallet(sponsor)
    const authority = privateKeyToAccount(generatePrivateKey()) // never funded
    const authorization = await w.signAuthorization({ account: authority, contractAddress: emitter })
    expect(authorization.chainId).toBe(t.chainId)
    expect(authorization.nonce).toBe(0)
    const hash = await w.sendTransaction({
      authorizationList: [authorization],
      to: authority.address,
      data: encodeFunctionData({ abi: emitterAbi, functionName: 'set', args: [7n, 42n] }),
    })
    const receipt = await pub.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    expect(receipt.type).toBe('eip7702')
    // delegation designator 0xef0100 ++ address
    expect(await pub.getCode({ address: authority.address })).toBe(concat(['0xef0100', emitter]).toLowerCase())
    expect(await pub.getTransactionCount({ address: authority.address })).toBe(1)
    expect(await pub.getBalance({ address: authority.address })).toBe(0n)
    // the code ran in the authority's context: its storage and its address on the log
    expect(
      await pub.readContract({ address: authority.address, abi: emitterAbi, functionName: 'values', args: [7n] }),
    ).toBe(42n)
    expect(await pub.readContract({ address: emitter, abi: emitterAbi, functionName: 'values', args: [7n] })).toBe(0n)
    expect(receipt.logs).toHaveLength(1)
    expect(receipt.logs[0].address).toBe(authority.address.toLowerCase())
    expect(receipt.logs[0].topics[1]).toBe(padHex(sponsor.address.toLowerCase() as Hex, { size: 32 }))
    const tx = await pub.getTransaction({ hash })
    expect(tx.type).toBe('eip7702')
    expect(tx.authorizationList).toHaveLength(1)
    expect(tx.authorizationList![0].address.toLowerCase()).toBe(emitter.toLowerCase())
    expect(tx.authorizationList![0].chainId).toBe(t.chainId)
    expect(tx.authorizationList![0].nonce).toBe(0)
  })

  it('EIP-7702: self-executed authorization (executor: self) bumps the nonce by two', async () => {
    const self = devAccounts[5]
    const w = wallet(self)
    const n0 = await pub.getTransactionCount({ address: self.address })
    const authorization = await w.signAuthorization({ contractAddress: emitter, executor: 'self' })
    expect(authorization.nonce).toBe(n0 + 1)
    const hash = await w.sendTransaction({
      authorizationList: [authorization],
      to: self.address,
      data: encodeFunctionData({ abi: emitterAbi, functionName: 'set', args: [1n, 2n] }),
    })
    const receipt = await pub.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    expect(await pub.getTransactionCount({ address: self.address })).toBe(n0 + 2)
    expect(await pub.getCode({ address: self.address })).toBe(concat(['0xef0100', emitter]).toLowerCase())
    // undo the delegation (address 0) so later tests see a plain EOA again
    const clear = await w.signAuthorization({
      contractAddress: '0x0000000000000000000000000000000000000000',
      executor: 'self',
    })
    const r2 = await pub.waitForTransactionReceipt({
      hash: await w.sendTransaction({ authorizationList: [clear], to: self.address }),
    })
    expect(r2.status).toBe('success')
    expect(await pub.getCode({ address: self.address })).toBeUndefined()
  })
})

describe('contract writes, logs and filters', () => {
  it('emits indexed events; getLogs/getContractEvents filter by address, topics and block range', async () => {
    const from = devAccounts[6]
    const w = wallet(from)
    const h1 = await w.writeContract({ address: emitter, abi: emitterAbi, functionName: 'set', args: [11n, 111n] })
    const r1 = await pub.waitForTransactionReceipt({ hash: h1 })
    const h2 = await w.writeContract({ address: emitter, abi: emitterAbi, functionName: 'set', args: [12n, 222n] })
    const r2 = await pub.waitForTransactionReceipt({ hash: h2 })
    expect(r1.status).toBe('success')
    expect(r2.status).toBe('success')
    expect(r2.blockNumber).toBeGreaterThan(r1.blockNumber)

    const sig = toEventSelector(getAbiItem({ abi: emitterAbi, name: 'ValueSet' }) as never)
    expect(r1.logs).toHaveLength(1)
    const l1 = r1.logs[0]
    expect(l1.address).toBe(emitter.toLowerCase())
    expect(l1.topics).toEqual([
      sig,
      padHex(from.address.toLowerCase() as Hex, { size: 32 }),
      padHex(numberToHex(11n), { size: 32 }),
    ])
    expect(l1.data).toBe(encodeAbiParameters([{ type: 'uint256' }], [111n]))
    expect(l1.transactionHash).toBe(h1)
    expect(l1.blockHash).toBe(r1.blockHash)
    expect(l1.blockNumber).toBe(r1.blockNumber)

    const event = getAbiItem({ abi: emitterAbi, name: 'ValueSet' }) as Extract<Abi[number], { type: 'event' }>
    const range = { fromBlock: r1.blockNumber, toBlock: r2.blockNumber }
    const bySetter = await pub.getLogs({ address: emitter, event, args: { setter: from.address }, ...range })
    expect(bySetter.map((l) => l.transactionHash)).toEqual([h1, h2])
    expect(bySetter.map((l) => (l.args as { value: bigint }).value)).toEqual([111n, 222n])

    const byKey = await pub.getLogs({ address: emitter, event, args: { key: 12n }, ...range })
    expect(byKey.map((l) => l.transactionHash)).toEqual([h2])

    // OR-list in a topic position
    const byEither = await pub.getLogs({ address: emitter, event, args: { key: [11n, 12n] }, ...range })
    expect(byEither).toHaveLength(2)

    // range that excludes the second block
    const onlyFirst = await pub.getLogs({ address: emitter, event, fromBlock: r1.blockNumber, toBlock: r1.blockNumber })
    expect(onlyFirst.map((l) => l.transactionHash)).toEqual([h1])

    // by block hash
    const byHash = await pub.getLogs({ address: emitter, blockHash: r2.blockHash })
    expect(byHash.map((l) => l.transactionHash)).toEqual([h2])

    // wrong address / wrong topic → nothing
    expect(await pub.getLogs({ address: freshAddress(), event, ...range })).toEqual([])
    expect(await pub.getLogs({ address: emitter, event, args: { setter: freshAddress() }, ...range })).toEqual([])

    const evs = await pub.getContractEvents({
      address: emitter,
      abi: emitterAbi,
      eventName: 'ValueSet',
      args: { key: 11n },
      fromBlock: emitterDeployBlock,
    })
    expect(evs).toHaveLength(1)
    expect(evs[0].args).toEqual({ setter: from.address, key: 11n, value: 111n })

    expect(await pub.readContract({ address: emitter, abi: emitterAbi, functionName: 'values', args: [12n] })).toBe(
      222n,
    )
    // mapping(uint256=>uint256) at slot 0, `count` at slot 1
    const count = (await pub.readContract({ address: emitter, abi: emitterAbi, functionName: 'count' })) as bigint
    expect(count).toBe(2n) // set(11) and set(12); the EIP-7702 set() calls wrote the delegating EOAs' storage
    expect(await pub.getStorageAt({ address: emitter, slot: '0x1' })).toBe(padHex(numberToHex(count), { size: 32 }))
    const slot = keccak256(encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [12n, 0n]))
    expect(await pub.getStorageAt({ address: emitter, slot })).toBe(padHex(numberToHex(222n), { size: 32 }))
  })

  it('numbers logIndex within the block and handles many logs per tx', async () => {
    const w = wallet(devAccounts[6])
    const hash = await w.writeContract({ address: emitter, abi: emitterAbi, functionName: 'emitMany', args: [5n] })
    const r = await pub.waitForTransactionReceipt({ hash })
    expect(r.logs).toHaveLength(5)
    const first = r.logs[0].logIndex
    expect(r.logs.map((l) => l.logIndex)).toEqual([0, 1, 2, 3, 4].map((i) => first + i))
    const fromRpc = await pub.getLogs({ address: emitter, blockHash: r.blockHash })
    expect(fromRpc.map((l) => l.logIndex)).toEqual(r.logs.map((l) => l.logIndex))
    expect(fromRpc.every((l) => l.transactionIndex === r.transactionIndex)).toBe(true)
  })

  it('supports HTTP filters (eth_newFilter / eth_newBlockFilter / getFilterChanges / getFilterLogs)', async () => {
    const w = wallet(devAccounts[6])
    const filter = await pub.createContractEventFilter({ address: emitter, abi: emitterAbi, eventName: 'Note' })
    const blockFilter = await pub.createBlockFilter()
    const tag = padHex('0xabcd', { size: 32 })
    const hash = await w.writeContract({ address: emitter, abi: emitterAbi, functionName: 'note', args: [tag, 'hi'] })
    const r = await pub.waitForTransactionReceipt({ hash })
    const changes = await pub.getFilterChanges({ filter })
    expect(changes).toHaveLength(1)
    expect(changes[0].args).toEqual({ tag, text: 'hi' })
    expect(changes[0].transactionHash).toBe(hash)
    expect(await pub.getFilterChanges({ filter })).toEqual([]) // drained
    const all = await pub.getFilterLogs({ filter })
    expect(all.map((l) => l.transactionHash)).toEqual([hash])
    const blocks = await pub.getFilterChanges({ filter: blockFilter })
    expect(blocks).toContain(r.blockHash)
    expect(await pub.uninstallFilter({ filter })).toBe(true)
    expect(await pub.uninstallFilter({ filter: blockFilter })).toBe(true)
  })
})

describe('WebSocket subscriptions', () => {
  it('newHeads via raw eth_subscribe and watchBlocks, with parentHash chaining', async () => {
    const ws = createPublicClient({ chain, transport: webSocket(t.wsUrl) })
    try {
      expect(await ws.getChainId()).toBe(t.chainId)
      const heads: Array<{ number: Hex; hash: Hex; parentHash: Hex }> = []
      const { subscriptionId, unsubscribe } = await ws.transport.subscribe({
        params: ['newHeads'],
        onData: (d) => {
          heads.push((d as unknown as { result: { number: Hex; hash: Hex; parentHash: Hex } }).result)
        },
        onError: () => {},
      })
      expect(subscriptionId).toMatch(/^0x[0-9a-f]+$/i)

      const blocks: Block[] = []
      const unwatch = ws.watchBlocks({ onBlock: (b) => blocks.push(b as Block), emitMissed: true })
      // Anvil mines only on demand: keep sending txs until two heads arrived on both channels.
      const w = wallet(devAccounts[7])
      await waitFor('two newHeads on both subscriptions', async () => {
        if (heads.length >= 2 && blocks.length >= 2) return true
        await w.sendTransaction({ to: freshAddress(), value: 1n })
        await new Promise((r) => setTimeout(r, 200))
        return undefined
      })
      unwatch()
      expect(await unsubscribe()).toMatchObject({ result: true })

      for (let i = 1; i < heads.length; i++) {
        if (BigInt(heads[i].number) === BigInt(heads[i - 1].number) + 1n) {
          expect(heads[i].parentHash).toBe(heads[i - 1].hash)
        }
      }
      for (const h of heads.slice(0, 2)) {
        const b = await pub.getBlock({ blockNumber: BigInt(h.number) })
        expect(b.hash).toBe(h.hash)
        expect(b.parentHash).toBe(h.parentHash)
      }
      for (const b of blocks.slice(0, 2)) {
        const onChain = await pub.getBlock({ blockNumber: b.number! })
        expect(onChain.hash).toBe(b.hash)
      }
    } finally {
      await ws.transport.getRpcClient().then((c) => c.close())
    }
  })

  it('watchContractEvent uses a logs subscription and decodes args', async () => {
    const ws = createPublicClient({ chain, transport: webSocket(t.wsUrl) })
    try {
      const from = devAccounts[7]
      const seen: Array<{ args: unknown; transactionHash: Hex }> = []
      const unwatch = ws.watchContractEvent({
        address: emitter,
        abi: emitterAbi,
        eventName: 'ValueSet',
        args: { setter: from.address },
        onLogs: (logs) => seen.push(...(logs as never[])),
      })
      // give the subscription a moment to be registered, then write
      await new Promise((r) => setTimeout(r, 300))
      const w = wallet(from)
      const other = wallet(devAccounts[8])
      // a non-matching event (different setter) must not be delivered
      await pub.waitForTransactionReceipt({
        hash: await other.writeContract({ address: emitter, abi: emitterAbi, functionName: 'set', args: [99n, 1n] }),
      })
      const hash = await w.writeContract({ address: emitter, abi: emitterAbi, functionName: 'set', args: [55n, 555n] })
      await pub.waitForTransactionReceipt({ hash })
      await waitFor('the ValueSet log over WebSocket', () => seen.length >= 1, 10_000)
      unwatch()
      expect(seen).toHaveLength(1)
      expect(seen[0].transactionHash).toBe(hash)
      expect(seen[0].args).toEqual({ setter: from.address, key: 55n, value: 555n })
    } finally {
      await ws.transport.getRpcClient().then((c) => c.close())
    }
  })
})

describe('calls, estimates and reverts', () => {
  it('eth_call / readContract / simulateContract / estimateGas', async () => {
    const from = devAccounts[8]
    expect(await pub.readContract({ address: emitter, abi: emitterAbi, functionName: 'MAX' })).toBe(EMITTER_MAX)
    const { result } = await pub.simulateContract({
      address: emitter,
      abi: emitterAbi,
      functionName: 'transientSum',
      args: [2n, 3n],
      account: from.account,
    })
    expect(result).toBe(5n)
    const raw = await pub.call({
      to: emitter,
      data: encodeFunctionData({ abi: emitterAbi, functionName: 'transientSum', args: [40n, 2n] }),
    })
    expect(raw.data).toBe(encodeAbiParameters([{ type: 'uint256' }], [42n]))

    expect(await pub.estimateGas({ account: from.address, to: freshAddress(), value: 1n })).toBe(21_000n)
    const est = await pub.estimateContractGas({
      address: emitter,
      abi: emitterAbi,
      functionName: 'set',
      args: [1234n, 5n],
      account: from.account,
    })
    const w = wallet(from)
    const hash = await w.writeContract({
      address: emitter,
      abi: emitterAbi,
      functionName: 'set',
      args: [1234n, 5n],
      gas: est,
    })
    const r = await pub.waitForTransactionReceipt({ hash })
    expect(r.status).toBe('success')
    expect(r.gasUsed).toBeLessThanOrEqual(est)
    expect(r.gasUsed).toBeGreaterThan(21_000n + 20_000n) // a fresh SSTORE happened
  })

  it('transient storage is per-transaction (EIP-1153)', async () => {
    const w = wallet(devAccounts[8])
    const hash = await w.writeContract({
      address: emitter,
      abi: emitterAbi,
      functionName: 'transientSum',
      args: [20n, 22n],
    })
    expect((await pub.waitForTransactionReceipt({ hash })).status).toBe('success')
    expect(await pub.readContract({ address: emitter, abi: emitterAbi, functionName: 'lastTransient' })).toBe(42n)
    expect(await pub.readContract({ address: emitter, abi: emitterAbi, functionName: 'transientSlot0' })).toBe(0n)
  })

  it('a reverting eth_call surfaces the custom error (viem decoding and raw JSON-RPC error)', async () => {
    const err = revertError(
      await rejectionOf(pub.readContract({ address: emitter, abi: emitterAbi, functionName: 'fail', args: [5n] })),
    )
    expect(err.data?.errorName).toBe('TooLarge')
    expect(err.data?.args).toEqual([5n, EMITTER_MAX])

    const from = devAccounts[8]
    const err2 = revertError(
      await rejectionOf(
        pub.simulateContract({ address: emitter, abi: emitterAbi, functionName: 'onlyNobody', account: from.account }),
      ),
    )
    expect(err2.data?.errorName).toBe('Unauthorized')
    expect(err2.data?.args).toEqual([from.address])

    const err3 = revertError(
      await rejectionOf(
        pub.estimateContractGas({
          address: emitter,
          abi: emitterAbi,
          functionName: 'set',
          args: [1n, EMITTER_MAX + 1n],
          account: from.account,
        }),
      ),
    )
    expect(err3.data?.errorName).toBe('TooLarge')

    // the wire format clients rely on: code 3, message "execution reverted...", data = ABI-encoded error
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'eth_call',
        params: [
          { to: emitter, data: encodeFunctionData({ abi: emitterAbi, functionName: 'fail', args: [9n] }) },
          'latest',
        ],
      }),
    })
    const body = (await res.json()) as { id: number; error?: { code: number; message: string; data?: Hex } }
    expect(body.id).toBe(7)
    expect(body.error?.code).toBe(3)
    expect(body.error?.message).toMatch(/^execution reverted/)
    expect(body.error?.data).toBe(
      encodeErrorResult({ abi: emitterAbi, errorName: 'TooLarge', args: [9n, EMITTER_MAX] }),
    )
  })

  it('a mined reverting tx has status reverted, burns gas, bumps the nonce, changes no state', async () => {
    const from = devAccounts[9]
    const w = wallet(from)
    const countBefore = await pub.readContract({ address: emitter, abi: emitterAbi, functionName: 'count' })
    const n0 = await pub.getTransactionCount({ address: from.address })
    const balBefore = await pub.getBalance({ address: from.address })
    const hash = await w.writeContract({
      address: emitter,
      abi: emitterAbi,
      functionName: 'set',
      args: [1n, EMITTER_MAX + 1n],
      gas: 100_000n,
    })
    const r = await pub.waitForTransactionReceipt({ hash })
    expect(r.status).toBe('reverted')
    expect(r.logs).toEqual([])
    expect(r.gasUsed).toBeGreaterThan(21_000n)
    expect(r.gasUsed).toBeLessThan(100_000n)
    expect(await pub.getTransactionCount({ address: from.address })).toBe(n0 + 1)
    expect(balBefore - (await pub.getBalance({ address: from.address }))).toBe(r.gasUsed * r.effectiveGasPrice)
    expect(await pub.readContract({ address: emitter, abi: emitterAbi, functionName: 'count' })).toBe(countBefore)
  })
})

describe('fees, nonces and blocks', () => {
  it('eth_feeHistory: baseFeePerGas has blockCount + 1 entries and matches the blocks', async () => {
    const latest = await pub.getBlockNumber()
    expect(latest).toBeGreaterThanOrEqual(4n)
    const fh = await pub.getFeeHistory({ blockCount: 4, blockNumber: latest, rewardPercentiles: [25, 75] })
    expect(fh.oldestBlock).toBe(latest - 3n)
    expect(fh.baseFeePerGas).toHaveLength(5)
    expect(fh.gasUsedRatio).toHaveLength(4)
    expect(fh.reward).toHaveLength(4)
    for (const r of fh.reward!) expect(r).toHaveLength(2)
    for (let i = 0; i < 4; i++) {
      const b = await pub.getBlock({ blockNumber: fh.oldestBlock + BigInt(i) })
      expect(fh.baseFeePerGas[i]).toBe(b.baseFeePerGas)
      expect(fh.gasUsedRatio[i]).toBeCloseTo(Number(b.gasUsed) / Number(b.gasLimit), 9)
    }
    const gasPrice = await pub.getGasPrice()
    expect(gasPrice).toBeGreaterThan(0n)
    const fees = await pub.estimateFeesPerGas()
    expect(fees.maxFeePerGas).toBeGreaterThanOrEqual(fees.maxPriorityFeePerGas)
  })

  it("getTransactionCount with blockTag 'pending' counts a just-sent tx", async () => {
    const from = devAccounts[1]
    const w = wallet(from)
    const n0 = await pub.getTransactionCount({ address: from.address, blockTag: 'latest' })
    expect(await pub.getTransactionCount({ address: from.address, blockTag: 'pending' })).toBe(n0)
    const hash = await w.sendTransaction({ to: freshAddress(), value: 1n, nonce: n0, gas: 21_000n })
    expect(await pub.getTransactionCount({ address: from.address, blockTag: 'pending' })).toBe(n0 + 1)
    const r = await pub.waitForTransactionReceipt({ hash })
    expect(r.status).toBe('success')
    expect(await pub.getTransactionCount({ address: from.address, blockTag: 'latest' })).toBe(n0 + 1)
    expect(await pub.getTransactionCount({ address: from.address, blockNumber: r.blockNumber - 1n })).toBe(n0)
  })

  it('blocks chain by parentHash and their hash is keccak256(rlp(header))', async () => {
    const latest = await pub.getBlock({ blockTag: 'latest' })
    expect(latest.number).toBeGreaterThanOrEqual(3n)
    let child = latest
    for (let i = 0; i < 3; i++) {
      const parent = await pub.getBlock({ blockNumber: child.number! - 1n })
      expect(child.parentHash).toBe(parent.hash)
      expect(child.timestamp).toBeGreaterThanOrEqual(parent.timestamp)
      expect(typeof parent.baseFeePerGas).toBe('bigint')
      child = parent
    }
    const byHash = await pub.getBlock({ blockHash: latest.hash! })
    expect(byHash.number).toBe(latest.number)
    const genesis = await pub.getBlock({ blockNumber: 0n })
    expect(genesis.parentHash).toBe(`0x${'00'.repeat(32)}`)

    for (const n of [0n, latest.number! - 1n, latest.number!]) {
      const raw = (await pub.request({ method: 'eth_getBlockByNumber', params: [numberToHex(n), false] })) as RpcBlock
      expect(headerHash(raw)).toBe(raw.hash)
    }
  })

  it('getBlock with transactions, tx-by-block-and-index, and receipt/block consistency', async () => {
    const w = wallet(devAccounts[2])
    const hash = await w.sendTransaction({ to: freshAddress(), value: 3n })
    const r = await pub.waitForTransactionReceipt({ hash })
    const block = await pub.getBlock({ blockNumber: r.blockNumber, includeTransactions: true })
    expect(block.hash).toBe(r.blockHash)
    const tx = block.transactions[r.transactionIndex]
    expect(typeof tx === 'object' && tx.hash).toBe(hash)
    const lean = await pub.getBlock({ blockHash: r.blockHash })
    expect(lean.transactions[r.transactionIndex]).toBe(hash)
    expect(await pub.getBlockTransactionCount({ blockNumber: r.blockNumber })).toBe(block.transactions.length)
    const byIndex = await pub.getTransaction({ blockHash: r.blockHash, index: r.transactionIndex })
    expect(byIndex.hash).toBe(hash)
    const byNumIndex = await pub.getTransaction({ blockNumber: r.blockNumber, index: r.transactionIndex })
    expect(byNumIndex.hash).toBe(hash)
    expect(r.cumulativeGasUsed).toBeGreaterThanOrEqual(r.gasUsed)
    expect(block.gasUsed).toBeGreaterThanOrEqual(r.cumulativeGasUsed)
    expect(await pub.getTransactionConfirmations({ hash })).toBeGreaterThanOrEqual(1n)
    expect(await pub.getTransactionReceipt({ hash })).toEqual(r)
  })
})
