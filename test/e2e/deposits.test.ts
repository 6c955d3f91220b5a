// Deposits L1 → L2 end to end: real Anvil, real Redis, the sequencer as a child process; then the
// prover attests the batches on L1 and a fresh verifier derives the same chain from L1 alone.
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { createPublicClient, createWalletClient, defineChain, type Hex, http, parseEther } from 'viem'
import { chainConfig } from 'viem/op-stack'
import { describe, expect, it } from 'vitest'
import { readDeployments } from '../../contracts/deploy.ts'
import { depositBridgeAbi } from '../../contracts/generated/DepositBridge.ts'
import { readConfig } from '../../core/config/config.ts'
import { depositSourceHash } from '../../core/deposits/depositTx.ts'
import { createLogger } from '../../core/log/logger.ts'
import { createProver } from '../../prover-stub/createProver.ts'
import { deriveFromL1 } from '../../prover-stub/derive.ts'
import { devAccounts, freshDataDir, rpc, waitFor } from './harness.ts'
import {
  expectL1MatchesL2,
  L1_CHAIN_ID,
  readL1Batches,
  rollupStatus,
  sendTransfers,
  useDevnets,
  waitForBatched,
} from './settlement.ts'

const start = useDevnets()

describe('deposits', () => {
  it('a deposit on L1 is credited on L2 as a leading 0x7e tx, and its batch carries it to L1', async () => {
    const d = await start()
    const bridge = d.bridge
    const l1Chain = defineChain({
      id: L1_CHAIN_ID,
      name: 'anvil',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [d.anvil.url] } },
    })
    const depositor = devAccounts[6]
    const recipient = '0x000000000000000000000000000000000000dEaD' as Hex
    const l1Wallet = createWalletClient({ chain: l1Chain, account: depositor.account, transport: http(d.anvil.url) })
    const amount = parseEther('1.5')
    const l1Hash = await l1Wallet.writeContract({
      address: bridge,
      abi: depositBridgeAbi,
      functionName: 'deposit',
      args: [recipient],
      value: amount,
    })
    const l1Receipt = await d.l1.waitForTransactionReceipt({ hash: l1Hash })
    const l2Chain = defineChain({
      ...chainConfig,
      id: d.node.chainId,
      name: 'l2',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [d.node.url] } },
    })
    const l2 = createPublicClient({ chain: l2Chain, transport: http(d.node.url) })
    await waitFor(
      'the deposit credited on L2',
      async () => ((await l2.getBalance({ address: recipient })) === amount ? true : undefined),
      30_000,
      200,
    )

    // the block that credited it starts with the deposit transaction
    const blockNumber = await waitFor('the deposit block', async () => {
      const b = await rpc<{ number: Hex; transactions: { type: Hex; hash: Hex }[] }>(
        d.node.url,
        'eth_getBlockByNumber',
        ['latest', true],
      )
      for (let n = BigInt(b.number); n > 0n; n--) {
        const blk = await rpc<{ transactions: { type: Hex; hash: Hex }[] }>(d.node.url, 'eth_getBlockByNumber', [
          `0x${n.toString(16)}`,
          true,
        ])
        if (blk.transactions[0]?.type === '0x7e') return n
      }
      return undefined
    })
    const block = await l2.getBlock({ blockNumber, includeTransactions: true })
    const tx = block.transactions[0]
    expect(tx.type).toBe('deposit')
    if (tx.type !== 'deposit') throw new Error('not a deposit')
    expect(tx.mint).toBe(amount)
    expect(tx.to?.toLowerCase()).toBe(recipient.toLowerCase())
    expect(tx.from.toLowerCase()).toBe(depositor.address.toLowerCase())
    const log = l1Receipt.logs.find((l) => l.address.toLowerCase() === bridge.toLowerCase())!
    expect(tx.sourceHash).toBe(depositSourceHash(l1Receipt.blockHash, log.logIndex))
    const receipt = await l2.getTransactionReceipt({ hash: tx.hash })
    expect(receipt.status).toBe('success')
    expect(receipt.gasUsed).toBe(0n)

    // the chain goes on: txs after it, and the deposit travels to L1 inside its batch
    const last = await sendTransfers(d.node, 2)
    await waitForBatched(d.node, last, 'posted')
    const batches = await readL1Batches(d.l1, d.rollup)
    await expectL1MatchesL2(d.node, batches)
    const carried = batches.flatMap((b) => b.batch.blocks).find((b) => b.number === blockNumber)!
    expect(carried.deposits).toHaveLength(1)
    expect(carried.l1Origin).toBeGreaterThanOrEqual(l1Receipt.blockNumber)

    // the prover re-derives the batches from L1 (deposits included) and attests them on L1
    const deployments = readDeployments(join(d.node.dataDir, 'deployments.json'))!
    const proverConfig = readConfig({
      L1_RPC_URL: d.anvil.url,
      DATA_DIR: freshDataDir('prover-'),
      QUEUE_PREFIX: `e2e-${randomUUID()}`,
      L1_POLL_MS: '200',
      LOG_LEVEL: 'silent',
    })
    const silent = createLogger({ level: 'silent' })
    const prover = await createProver({
      config: proverConfig,
      log: silent,
      rollup: d.rollup,
      bridge: d.bridge,
      deployBlock: deployments.deployBlock,
    })
    await prover.start()
    try {
      const lastIndex = batches.length - 1
      await waitFor(
        `batch ${lastIndex} attested`,
        () => (prover.verdict(lastIndex)?.status === 'attested' ? true : undefined),
        60_000,
        200,
      )
      await waitFor(
        'the sequencer sees the attestation',
        async () => (await rollupStatus(d.node)).latestAttested ?? undefined,
        30_000,
        200,
      )
    } finally {
      await prover.stop()
    }
    // a fresh verifier, from L1 alone, derives the same chain
    const derived = await deriveFromL1({
      l1RpcUrl: d.anvil.url,
      rollup: d.rollup,
      bridge: d.bridge,
      deployBlock: deployments.deployBlock,
      dataDir: freshDataDir('verify-'),
      config: readConfig({}),
      log: silent,
    })
    const tip = await rpc<{ hash: Hex; stateRoot: Hex }>(d.node.url, 'eth_getBlockByNumber', [
      `0x${derived.head.number.toString(16)}`,
      false,
    ])
    expect(derived.head.hash).toBe(tip.hash)
    expect(derived.head.stateRoot).toBe(tip.stateRoot)
    expect(derived.batches).toBeGreaterThanOrEqual(batches.length)
  })
})
