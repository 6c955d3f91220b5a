// The exported chain definitions against the configuration defaults, a real Anvil deployment (the default devnet
// addresses) and a real node (viem reading through the chain).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createPublicClient, getContractAddress, http, keccak256, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, describe, expect, test } from 'vitest'
import { deployL1Contracts, writeDeployments } from '../../contracts/deploy.ts'
import { type RunningTarget, startAnvil, startNode } from '../../test/e2e/harness.ts'
import { type Config, configSchema } from '../config/config.ts'
import { createDevnetChain, devnet, devnetL1, devnetL1Addresses } from './devnet.ts'
import { readDevnetDeployments } from './readDevnetDeployments.ts'

const defaults = configSchema.parse({}) as Config
const account = (key: string) => privateKeyToAccount(key as `0x${string}`).address
const started: RunningTarget[] = []
const scratch = mkdtempSync(path.join(tmpdir(), 'devnet-chain-test-'))

afterAll(async () => {
  for (const t of started) await t.stop()
  rmSync(scratch, { recursive: true, force: true })
})

describe('devnet chain', () => {
  test('default: the configuration defaults (CHAIN_ID, RPC_PORT, L1_CHAIN_ID, ANVIL_PORT)', () => {
    expect(devnet.id).toBe(defaults.CHAIN_ID)
    expect(devnet.rpcUrls.default.http).toEqual([`http://${defaults.RPC_HOST}:${defaults.RPC_PORT}`])
    expect(devnet.rpcUrls.default.webSocket).toEqual([`ws://${defaults.RPC_HOST}:${defaults.RPC_PORT}`])
    expect(devnet.nativeCurrency).toEqual({ name: 'Ether', symbol: 'ETH', decimals: 18 })
    expect(devnet.sourceId).toBe(defaults.L1_CHAIN_ID)
    expect(devnetL1.id).toBe(defaults.L1_CHAIN_ID)
    expect(devnetL1.rpcUrls.default.http).toEqual([`http://${defaults.ANVIL_HOST}:${defaults.ANVIL_PORT}`])
  })

  test("default: the L1 addresses are DEPLOYER_PRIVATE_KEY's CREATE addresses at nonces 0 and 1", () => {
    const from = account(defaults.DEPLOYER_PRIVATE_KEY)
    expect(devnetL1Addresses).toEqual({
      rollup: getContractAddress({ from, nonce: 0n }),
      depositBridge: getContractAddress({ from, nonce: 1n }),
    })
    expect(devnet.contracts.rollup[defaults.L1_CHAIN_ID]).toEqual({ address: devnetL1Addresses.rollup })
    expect(devnet.contracts.depositBridge[defaults.L1_CHAIN_ID]).toEqual({ address: devnetL1Addresses.depositBridge })
  })

  test('behavior: a fresh L1 gets the rollup at exactly these addresses, and the recorded file reads back', async () => {
    const l1 = await startAnvil({ chainId: defaults.L1_CHAIN_ID, port: 19650 })
    started.push(l1)
    // What the sequencer does on a devnet's first start (sequencer/startSequencer.ts resolveDeployments).
    const d = await deployL1Contracts({
      l1RpcUrl: l1.url,
      deployerKey: defaults.DEPLOYER_PRIVATE_KEY as `0x${string}`,
      batcher: account(defaults.BATCHER_PRIVATE_KEY),
      prover: account(defaults.PROVER_PRIVATE_KEY),
      genesisOutputRoot: keccak256(toHex('devnet chain test')),
    })
    expect({ rollup: d.rollup, depositBridge: d.bridge }).toEqual(devnetL1Addresses)

    expect(readDevnetDeployments({ dataDir: scratch })).toBeUndefined()
    writeDeployments(path.join(scratch, 'deployments.json'), d)
    const read = readDevnetDeployments({ dataDir: scratch })
    expect(read).toEqual(d)
    const chain = createDevnetChain({ deployments: read })
    expect(chain.contracts.rollup[31337]).toEqual({ address: d.rollup, blockCreated: Number(d.deployBlock) })
    expect(chain.contracts.depositBridge[31337]).toEqual({ address: d.bridge, blockCreated: Number(d.deployBlock) })
  })

  test('behavior: viem reads the chain id and a block from a running node through the exported chain', async () => {
    const node = await startNode({ port: 19601, env: { EXECUTOR_WORKERS: '0' } })
    started.push(node)
    // As a dApp imports it: by the package's name, through package.json "exports".
    const { devnet: exported, createDevnetChain: create } = await import('parallel-rollup')
    expect(exported).toBe(devnet)
    const client = createPublicClient({ chain: exported, transport: http(node.url) })
    expect(await client.getChainId()).toBe(exported.id)
    const genesis = await client.getBlock({ blockNumber: 0n })
    expect(genesis.number).toBe(0n)
    expect(genesis.hash).toMatch(/^0x[0-9a-f]{64}$/)
    // A chain pointed at another node: its default transport is that node.
    const other = createPublicClient({ chain: create({ rpcUrl: node.url }), transport: http() })
    expect((await other.getBlock()).number).toBeGreaterThanOrEqual(0n)
    expect(await other.getChainId()).toBe(901901)
  })
})
