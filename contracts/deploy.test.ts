// deployL1Contracts against real Anvils: the deployment, the deployments file, checkDeployments, and one batch
// submitted, attested and disputed through viem with signatures from viem's signTypedData, which proves that
// attestationTypes / disputeTypes / rollupDomain equal Rollup.sol's EIP-712 definitions.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  createPublicClient,
  createWalletClient,
  type Hex,
  hashTypedData,
  http,
  keccak256,
  parseEther,
  parseEventLogs,
  toHex,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RunningTarget, startAnvil } from '../test/e2e/harness.ts'
import {
  attestationTypes,
  checkDeployments,
  DeploymentsFileError,
  DeploymentsMismatchError,
  deployL1Contracts,
  disputeTypes,
  type L1Deployments,
  readDeployments,
  rollupDomain,
  writeDeployments,
} from './deploy.ts'
import { depositBridgeAbi } from './generated/DepositBridge.ts'
import { rollupAbi } from './generated/Rollup.ts'

const deployer = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const batcher = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const prover = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a')
const genesisOutputRoot = keccak256(toHex('parallel-rollup/test/genesis'))

let l1: RunningTarget
let d: L1Deployments
const scratch = mkdtempSync(path.join(tmpdir(), 'deploy-test-'))

beforeAll(async () => {
  l1 = await startAnvil({ chainId: 31337 })
  d = await deployL1Contracts({
    l1RpcUrl: l1.url,
    deployerKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
    batcher: batcher.address,
    prover: prover.address,
    genesisOutputRoot,
  })
})

afterAll(async () => {
  await l1?.stop()
  rmSync(scratch, { recursive: true, force: true })
})

const pub = () => createPublicClient({ transport: http(l1.url), pollingInterval: 100 })

describe('deployL1Contracts', () => {
  test('default: deploys both contracts with the given roles', async () => {
    expect(d).toMatchObject({ l1ChainId: 31337, batcher: batcher.address, prover: prover.address, genesisOutputRoot })
    expect(d.deployBlock).toBeGreaterThan(0n)
    const client = pub()
    const read = <F extends 'owner' | 'batcher' | 'genesisOutputRoot' | 'nextBatchIndex'>(functionName: F) =>
      client.readContract({ address: d.rollup, abi: rollupAbi, functionName })
    expect(await read('owner')).toBe(deployer.address)
    expect(await read('batcher')).toBe(batcher.address)
    expect(await read('genesisOutputRoot')).toBe(genesisOutputRoot)
    expect(await read('nextBatchIndex')).toBe(0n)
    expect(
      await client.readContract({
        address: d.rollup,
        abi: rollupAbi,
        functionName: 'isProver',
        args: [prover.address],
      }),
    ).toBe(true)
    const bridgeCode = await client.getCode({ address: d.bridge })
    expect(bridgeCode?.length).toBeGreaterThan(2)
    // deployBlock is the rollup's deploy block: the rollup has code there, not before
    expect(await client.getCode({ address: d.rollup, blockNumber: d.deployBlock - 1n })).toBeUndefined()
    expect((await client.getCode({ address: d.rollup, blockNumber: d.deployBlock }))?.length).toBeGreaterThan(2)
  })

  test('behavior: works on an L1 with --block-time; no prover means none registered', async () => {
    const slow = await startAnvil({ chainId: 31337, args: ['--block-time', '1'] })
    try {
      const other = await deployL1Contracts({
        l1RpcUrl: slow.url,
        deployerKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
        owner: prover.address,
        batcher: batcher.address,
        genesisOutputRoot: keccak256(toHex('another genesis')),
      })
      expect(other.prover).toBeNull()
      await checkDeployments({ l1RpcUrl: slow.url, deployments: other })
      const client = createPublicClient({ transport: http(slow.url) })
      expect(await client.readContract({ address: other.rollup, abi: rollupAbi, functionName: 'owner' })).toBe(
        prover.address,
      )
      // the same deployer nonces give the same addresses as on the first L1, but not the same rollup
      expect([other.rollup, other.bridge]).toEqual([d.rollup, d.bridge])
      const err = await checkDeployments({ l1RpcUrl: slow.url, deployments: d }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DeploymentsMismatchError)
      expect((err as DeploymentsMismatchError).problems).toEqual([
        `genesis output root: recorded ${genesisOutputRoot}, the rollup has ${other.genesisOutputRoot}`,
      ])
    } finally {
      await slow.stop()
    }
  })
})

describe('deployments file', () => {
  test('default: round-trips, deployBlock as a decimal string', () => {
    const file = path.join(scratch, 'nested', 'dir', 'deployments.json')
    writeDeployments(file, d)
    const json = JSON.parse(readFileSync(file, 'utf8'))
    expect(json.deployBlock).toBe(d.deployBlock.toString())
    expect(readDeployments(file)).toEqual(d)
    writeDeployments(file, { ...d, prover: null })
    expect(readDeployments(file)?.prover).toBeNull()
  })

  test('behavior: a missing file reads as undefined', () => {
    expect(readDeployments(path.join(scratch, 'missing.json'))).toBeUndefined()
  })

  test('error: a malformed file names every problem', () => {
    const file = path.join(scratch, 'bad.json')
    writeFileSync(file, '{ not json')
    expect(() => readDeployments(file)).toThrow(DeploymentsFileError)
    writeFileSync(file, JSON.stringify({ ...d, deployBlock: 12, rollup: '0x1234', l1ChainId: undefined }))
    const err = (() => {
      try {
        readDeployments(file)
      } catch (e) {
        return e
      }
    })() as DeploymentsFileError
    expect(err).toBeInstanceOf(DeploymentsFileError)
    expect(err.problems.map((p) => p.split(':')[0]).sort()).toEqual(['deployBlock', 'l1ChainId', 'rollup'])
    expect(err.message).toContain(file)
  })
})

describe('checkDeployments', () => {
  test('default: passes against the L1 it was deployed to', async () => {
    await checkDeployments({ l1RpcUrl: l1.url, deployments: d })
  })

  test('error: a fresh L1 has no code at the recorded addresses', async () => {
    const fresh = await startAnvil({ chainId: 31337 })
    try {
      const err = await checkDeployments({ l1RpcUrl: fresh.url, deployments: d }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DeploymentsMismatchError)
      expect((err as DeploymentsMismatchError).problems).toEqual([
        `no code at the bridge address ${d.bridge}`,
        `no code at the rollup address ${d.rollup}`,
      ])
    } finally {
      await fresh.stop()
    }
  })

  test('error: another chain id', async () => {
    await expect(checkDeployments({ l1RpcUrl: l1.url, deployments: { ...d, l1ChainId: 1 } })).rejects.toThrow(
      /chain id: recorded 1, the L1 reports 31337/,
    )
  })
})

describe('through viem with the generated ABI', () => {
  test('default: submitBatch, attest and dispute with signTypedData signatures; a deposit', async () => {
    const client = pub()
    const send = async (hash: Promise<Hex>) => {
      const receipt = await client.waitForTransactionReceipt({ hash: await hash })
      expect(receipt.status).toBe('success')
      return receipt
    }
    const asBatcher = createWalletClient({ account: batcher, transport: http(l1.url) })
    const asDeployer = createWalletClient({ account: deployer, transport: http(l1.url) })
    const domain = rollupDomain(d.l1ChainId, d.rollup)

    const batches = [0, 1].map((i) => {
      const data = toHex(`batch #${i} bytes`)
      return { index: BigInt(i), data, dataHash: keccak256(data), outputRoot: keccak256(toHex(`root #${i}`)) }
    })
    for (const [i, b] of batches.entries()) {
      const prev = i === 0 ? genesisOutputRoot : batches[i - 1].outputRoot
      const receipt = await send(
        asBatcher.writeContract({
          chain: null,
          address: d.rollup,
          abi: rollupAbi,
          functionName: 'submitBatch',
          args: [b.index, prev, b.outputRoot, BigInt(10 * (i + 1)), b.dataHash, b.data],
        }),
      )
      const [ev] = parseEventLogs({ abi: rollupAbi, logs: receipt.logs, eventName: 'BatchSubmitted' })
      expect(ev.args).toEqual({
        index: b.index,
        outputRoot: b.outputRoot,
        prevOutputRoot: prev,
        lastL2Block: BigInt(10 * (i + 1)),
        dataHash: b.dataHash,
      })
    }

    // attest batch 0: the prover signs, the deployer relays
    const b0 = batches[0]
    const attestation = { batchIndex: 0n, outputRoot: b0.outputRoot, dataHash: b0.dataHash }
    const typed = { domain, types: attestationTypes, primaryType: 'Attestation', message: attestation } as const
    expect(hashTypedData(typed)).toBe(
      await client.readContract({
        address: d.rollup,
        abi: rollupAbi,
        functionName: 'attestationDigest',
        args: [0n, b0.outputRoot],
      }),
    )
    const attestReceipt = await send(
      asDeployer.writeContract({
        chain: null,
        address: d.rollup,
        abi: rollupAbi,
        functionName: 'attest',
        args: [0n, b0.outputRoot, await prover.signTypedData(typed)],
      }),
    )
    const [attested] = parseEventLogs({ abi: rollupAbi, logs: attestReceipt.logs, eventName: 'BatchAttested' })
    expect(attested.args).toEqual({ index: 0n, outputRoot: b0.outputRoot, prover: prover.address })
    expect(await client.readContract({ address: d.rollup, abi: rollupAbi, functionName: 'attestedCount' })).toBe(1n)

    // dispute batch 1
    const b1 = batches[1]
    const computedOutputRoot = keccak256(toHex('what the prover computed'))
    const disputeSig = await prover.signTypedData({
      domain,
      types: disputeTypes,
      primaryType: 'Dispute',
      message: { batchIndex: 1n, claimedOutputRoot: b1.outputRoot, computedOutputRoot },
    })
    const disputeReceipt = await send(
      asDeployer.writeContract({
        chain: null,
        address: d.rollup,
        abi: rollupAbi,
        functionName: 'dispute',
        args: [1n, computedOutputRoot, disputeSig],
      }),
    )
    const [disputed] = parseEventLogs({ abi: rollupAbi, logs: disputeReceipt.logs, eventName: 'BatchDisputed' })
    expect(disputed.args).toEqual({
      index: 1n,
      claimedOutputRoot: b1.outputRoot,
      computedOutputRoot,
      prover: prover.address,
    })
    const record = await client.readContract({
      address: d.rollup,
      abi: rollupAbi,
      functionName: 'getBatch',
      args: [1n],
    })
    expect(record).toMatchObject({ outputRoot: b1.outputRoot, dataHash: b1.dataHash, attested: false, disputed: true })

    // a plain ETH transfer to the bridge is deposit #0 to the sender
    const depositReceipt = await send(asDeployer.sendTransaction({ chain: null, to: d.bridge, value: parseEther('1') }))
    const [deposit] = parseEventLogs({ abi: depositBridgeAbi, logs: depositReceipt.logs })
    expect(deposit.args).toEqual({ nonce: 0n, from: deployer.address, to: deployer.address, amount: parseEther('1') })
  })
})
