// Forced inclusion end to end (real Anvil, real Redis): a batcher posts a batch that leaves out a
// deposit past its deadline; the prover and a fresh verifier force it in, as the rule-following
// sequencer did, so the batch's claimed root (the rule-following chain's) is attested.
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPublicClient, createWalletClient, type Hex, hexToBytes, http, parseEther, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, it } from 'vitest'
import { deployL1Contracts } from '../../contracts/deploy.ts'
import { depositBridgeAbi } from '../../contracts/generated/DepositBridge.ts'
import { outputRoot } from '../../core/batch/index.ts'
import { readConfig } from '../../core/config/config.ts'
import type { DepositEvent } from '../../core/deposits/depositTx.ts'
import { readDepositLogs } from '../../core/deposits/readDepositLogs.ts'
import { createLogger } from '../../core/log/logger.ts'
import { createDepositStore } from '../../core/storage/depositStore.ts'
import { createProver, type Prover } from '../../prover-stub/createProver.ts'
import { deriveFromL1 } from '../../prover-stub/derive.ts'
import type { DerivedBatch } from '../../prover-stub/deriveBatch.ts'
import { postBatch } from '../../prover-stub/testing/postBatch.ts'
import { createBlockProducer } from '../../sequencer/block/createBlockProducer.ts'
import { createDepositSource } from '../../sequencer/deposits/createDepositSource.ts'
import { createNode, type Node } from '../../sequencer/node/createNode.ts'
import { submitRawTransaction } from '../../sequencer/rpc/methods/txMethods.ts'
import { genesisOutputRoot } from '../../sequencer/startSequencer.ts'
import { devAccounts, freshDataDir, type RunningTarget, rpc, startAnvil, waitFor } from './harness.ts'

const silent = createLogger({ level: 'silent' })
const BATCHER_KEY = devAccounts[1].privateKey
let cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {})
  cleanup = []
})

describe('forced inclusion of deposits', () => {
  it('a deposit past its deadline that the batch leaves out is forced in by derivation and the prover', async () => {
    const anvil: RunningTarget = await startAnvil({ chainId: 31337 })
    cleanup.push(() => anvil.stop())
    const l1 = createPublicClient({ transport: http(anvil.url) })
    // The reference L2 chain: a sequencer that follows the rule (in process, no L1 of its own).
    const node: Node = await createNode({
      config: readConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'forced-ref-')), EXECUTOR_WORKERS: '0' }),
      log: silent,
    })
    cleanup.push(() => node.close())
    const deployments = await deployL1Contracts({
      l1RpcUrl: anvil.url,
      deployerKey: devAccounts[0].privateKey,
      batcher: devAccounts[1].address,
      prover: devAccounts[2].address,
      genesisOutputRoot: genesisOutputRoot(node),
    })

    // A deposit on L1, then 40 L1 blocks: at origin d + 40 it is past DEPOSIT_DEADLINE (32).
    const recipient = '0x000000000000000000000000000000000000f0ce' as Hex
    const amount = parseEther('3')
    const wallet = createWalletClient({ account: devAccounts[6].account, transport: http(anvil.url) })
    const hash = await wallet.writeContract({
      chain: null,
      address: deployments.bridge,
      abi: depositBridgeAbi,
      functionName: 'deposit',
      args: [recipient],
      value: amount,
    })
    const d = (await l1.waitForTransactionReceipt({ hash })).blockNumber
    await rpc(anvil.url, 'anvil_mine', [toHex(40)])
    const origin = d + 40n
    const events: DepositEvent[] = []
    await readDepositLogs(l1, {
      bridge: deployments.bridge,
      fromBlock: d,
      toBlock: d,
      onChunk: (e) => events.push(...e),
    })
    expect(events).toHaveLength(1)

    // The rule-following sequencer builds block 1 at that origin: the due deposit first, then a transfer.
    const store = createDepositStore(node.db)
    store.add(events)
    const producer = createBlockProducer(node, {
      deposits: createDepositSource({ store, origin: () => origin, maxPerBlock: 16, deadline: 32n }),
    })
    const raw = await privateKeyToAccount(devAccounts[4].privateKey).signTransaction({
      chainId: 901901,
      type: 'eip1559',
      nonce: 0,
      to: devAccounts[5].address,
      value: 1n,
      gas: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
    })
    await submitRawTransaction(node, hexToBytes(raw))
    await producer.produceBlock()
    const block1 = node.chain.headerByNumber(1n) as { hash: Hex; stateRoot: Hex; timestamp: Hex }
    expect(node.chain.txsOfBlock(1n).map((t) => t.type)).toEqual(['0x7e', '0x2'])

    // The batch a misbehaving batcher posts: same block, same origin, but the deposit left out.
    await postBatch({
      l1RpcUrl: anvil.url,
      rollup: deployments.rollup,
      batcherKey: BATCHER_KEY,
      index: 0,
      prevOutputRoot: genesisOutputRoot(node),
      outputRoot: outputRoot({ stateRoot: block1.stateRoot, blockHash: block1.hash }),
      batch: {
        parentHash: node.chain.hashByNumber(0n)!,
        blocks: [
          { number: 1n, timestamp: BigInt(block1.timestamp), l1Origin: origin, deposits: [], transactions: [raw] },
        ],
      },
    })
    await rpc(anvil.url, 'anvil_mine', [toHex(3)])

    // A fresh verifier forces the deposit in and lands on the rule-following chain.
    const seen: DerivedBatch[] = []
    const derived = await deriveFromL1({
      l1RpcUrl: anvil.url,
      rollup: deployments.rollup,
      bridge: deployments.bridge,
      deployBlock: deployments.deployBlock,
      dataDir: freshDataDir('forced-verify-'),
      config: readConfig({}),
      log: silent,
      onBatch: (b) => void seen.push(b),
    })
    expect(seen.map((b) => [b.deposits, b.forcedDeposits, b.matches])).toEqual([[1, 1, true]])
    expect(derived.head).toMatchObject({ number: 1n, hash: block1.hash, stateRoot: block1.stateRoot })

    // The prover does the same and attests the batch on L1.
    const prover: Prover = await createProver({
      config: readConfig({
        L1_RPC_URL: anvil.url,
        DATA_DIR: freshDataDir('forced-prover-'),
        QUEUE_PREFIX: `e2e-${randomUUID()}`,
        L1_CONFIRMATIONS: '1',
        L1_POLL_MS: '200',
      }),
      log: silent,
      rollup: deployments.rollup,
      bridge: deployments.bridge,
      deployBlock: deployments.deployBlock,
    })
    cleanup.push(() => prover.stop())
    await prover.start()
    await waitFor('batch 0 attested', () => (prover.verdict(0)?.status === 'attested' ? true : undefined), 60_000, 200)
  })
})
