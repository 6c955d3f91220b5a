// The prover end to end: real Anvil, real Redis (a unique queue prefix per test), the sequencer as a
// child process or the test playing the batcher itself to post a wrong output root.
import { randomUUID } from 'node:crypto'
import { pino } from 'pino'
import { createPublicClient, type Hex, http, keccak256, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, it } from 'vitest'
import { deployL1Contracts } from '../contracts/deploy.ts'
import { rollupAbi } from '../contracts/generated/Rollup.ts'
import { readConfig } from '../core/config/config.ts'
import { createLogger, type Logger } from '../core/log/logger.ts'
import { devAccounts, freshDataDir, type RunningTarget, startAnvil, startNode, waitFor } from '../test/e2e/harness.ts'
import { L1_CHAIN_ID, sendTransfers, startDevnet, startPrivateRedis, waitForBatched } from '../test/e2e/settlement.ts'
import { createProver, type Prover } from './createProver.ts'
import { deriveFromL1 } from './derive.ts'
import { DerivationError } from './errors.ts'
import { batchFromNode, outputRootAt, postBatch } from './testing/postBatch.ts'
import { runVerify } from './testing/runVerify.ts'
import { sendL2Traffic } from './testing/sendL2Traffic.ts'

const log = createLogger({ level: process.env.E2E_NODE_LOGS === '1' ? 'info' : 'silent' })

/** A logger that keeps its JSON lines for the test to read. */
function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  const stream = { write: (s: string) => void lines.push(JSON.parse(s)) }
  return { log: pino({ level: 'info' }, stream), lines }
}
const BATCHER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' // Anvil account 1
const DEPLOYER_KEY = devAccounts[0].privateKey
const PROVER = devAccounts[2].address

let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {})
  cleanup = []
})
const track = <T extends { stop(): Promise<void> }>(x: T) => {
  cleanup.push(() => x.stop())
  return x
}

/** A prover on its own data dir and queue prefix. */
async function startProver(p: {
  l1: string
  rollup: Hex
  bridge: Hex
  deployBlock: bigint
  dataDir?: string
  redisUrl?: string
  log?: Logger
}): Promise<Prover & { dataDir: string }> {
  const dataDir = p.dataDir ?? freshDataDir('prover-')
  const config = readConfig({
    L1_RPC_URL: p.l1,
    DATA_DIR: dataDir,
    REDIS_URL: p.redisUrl,
    QUEUE_PREFIX: `prover-test-${randomUUID()}`,
    L1_CONFIRMATIONS: '1',
    L1_POLL_MS: '200',
  })
  const prover = track(
    await createProver({ config, log: p.log ?? log, rollup: p.rollup, bridge: p.bridge, deployBlock: p.deployBlock }),
  )
  await prover.start()
  return Object.assign(prover, { dataDir })
}

const counter = async (prover: Prover, name: string) =>
  (await prover.registry.getSingleMetric(name)!.get()).values[0]?.value ?? 0

async function l1Events(url: string, rollup: Hex) {
  const l1 = createPublicClient({ transport: http(url) })
  const attested = await l1.getContractEvents({
    address: rollup,
    abi: rollupAbi,
    eventName: 'BatchAttested',
    fromBlock: 0n,
  })
  const disputed = await l1.getContractEvents({
    address: rollup,
    abi: rollupAbi,
    eventName: 'BatchDisputed',
    fromBlock: 0n,
  })
  const count = await l1.readContract({ address: rollup, abi: rollupAbi, functionName: 'attestedCount' })
  return { l1, attested, disputed, count }
}

describe('createProver', () => {
  it('default: attests every honest batch of a devnet run, in order, and resumes after a restart', async () => {
    const d = await startDevnet({})
    cleanup.push(
      () => d.anvil.stop(),
      () => d.node.stop(),
    )
    const first = await sendL2Traffic(d.node)
    await waitForBatched(d.node, first, 'posted')
    const deployBlock = 0n
    const prover = await startProver({ l1: d.anvil.url, rollup: d.rollup, bridge: d.bridge, deployBlock })
    const n1 = Number(await d.l1.readContract({ address: d.rollup, abi: rollupAbi, functionName: 'nextBatchIndex' }))
    await waitFor(
      `${n1} batches attested`,
      () => prover.verdict(n1 - 1)?.status === 'attested' || undefined,
      60_000,
      100,
    )

    // Stopped and started again on the same data dir, it resumes after its last verdict.
    await prover.stop()
    const later = await sendTransfers(d.node, 4)
    await waitForBatched(d.node, later, 'posted')
    const n2 = Number(await d.l1.readContract({ address: d.rollup, abi: rollupAbi, functionName: 'nextBatchIndex' }))
    expect(n2).toBeGreaterThan(n1)
    const again = await startProver({
      l1: d.anvil.url,
      rollup: d.rollup,
      bridge: d.bridge,
      deployBlock,
      dataDir: prover.dataDir,
    })
    // The prover's own record follows L1's receipt: wait for it rather than for the L1 event.
    await waitFor(
      `${n2} batches attested`,
      () => again.verdict(n2 - 1)?.status === 'attested' || undefined,
      60_000,
      100,
    )
    expect(again.verdict(n1 - 1)?.status).toBe('attested')
    expect(again.verdict(n2 - 1)?.status).toBe('attested')
    await again.stop()

    const { attested, disputed, count } = await l1Events(d.anvil.url, d.rollup)
    const submitted = await d.l1.getContractEvents({
      address: d.rollup,
      abi: rollupAbi,
      eventName: 'BatchSubmitted',
      fromBlock: 0n,
    })
    expect(disputed).toEqual([])
    expect(attested.map((e) => Number(e.args.index))).toEqual([...Array(Number(count)).keys()])
    for (const e of attested) {
      expect(e.args.prover).toBe(PROVER)
      expect(e.args.outputRoot).toBe(submitted[Number(e.args.index)].args.outputRoot)
    }
    // Each batch was derived and attested once across both runs.
    expect(
      (await counter(prover, 'prover_batches_attested_total')) +
        (await counter(again, 'prover_batches_attested_total')),
    ).toBe(Number(count))
  })

  it('behavior: refuses a wrong output root (dispute, no attestation, metric) after attesting the honest batch before it', async () => {
    // An L2 node alone (no L1): its blocks are posted by the test, playing the batcher.
    const node: RunningTarget = track(await startNode({ env: { EXECUTOR_WORKERS: '0', L1_RPC_URL: '' } }))
    const mid = await sendTransfers(node, 3)
    const last = await sendL2Traffic(node, { transfers: 2 })
    const anvil = track(await startAnvil({ chainId: L1_CHAIN_ID, args: ['--block-time', '1'] }))
    const genesis = await outputRootAt(node.url, 0n)
    const deployments = await deployL1Contracts({
      l1RpcUrl: anvil.url,
      deployerKey: DEPLOYER_KEY,
      batcher: privateKeyToAccount(BATCHER_KEY).address,
      prover: PROVER,
      genesisOutputRoot: genesis,
    })
    const { rollup } = deployments
    const honest0 = await outputRootAt(node.url, mid)
    await postBatch({
      l1RpcUrl: anvil.url,
      rollup,
      batcherKey: BATCHER_KEY,
      index: 0,
      prevOutputRoot: genesis,
      outputRoot: honest0,
      batch: await batchFromNode(node.url, 1n, mid),
    })
    const wrong = keccak256(toHex('not the state after this batch'))
    const honest1 = await outputRootAt(node.url, last)
    await postBatch({
      l1RpcUrl: anvil.url,
      rollup,
      batcherKey: BATCHER_KEY,
      index: 1,
      prevOutputRoot: honest0,
      outputRoot: wrong,
      batch: await batchFromNode(node.url, mid + 1n, last),
    })

    const captured = capturingLogger()
    const prover = await startProver({
      l1: anvil.url,
      rollup,
      bridge: deployments.bridge,
      deployBlock: deployments.deployBlock,
      log: captured.log,
    })
    const verdict = await waitFor(
      'batch 1 disputed',
      () => (prover.verdict(1)?.status === 'disputed' ? prover.verdict(1) : undefined),
      60_000,
      100,
    )
    expect(verdict).toMatchObject({ claimedOutputRoot: wrong, computedOutputRoot: honest1, lastBlock: last })
    expect(prover.verdict(0)?.status).toBe('attested')
    expect(prover.halted()?.index).toBe(1)

    const { attested, disputed, count } = await l1Events(anvil.url, rollup)
    expect(count).toBe(1n)
    expect(attested.map((e) => [e.args.index, e.args.outputRoot])).toEqual([[0n, honest0]])
    expect(
      disputed.map((e) => [e.args.index, e.args.claimedOutputRoot, e.args.computedOutputRoot, e.args.prover]),
    ).toEqual([[1n, wrong, honest1, PROVER]])
    expect(await counter(prover, 'prover_batches_attested_total')).toBe(1)
    expect(await counter(prover, 'prover_batches_disputed_total')).toBe(1)
    const refusals = captured.lines.filter((l) => l.msg === 'batch refused: output root mismatch')
    expect(refusals.map((l) => ({ ...l, l2Block: BigInt(l.l2Block as string) }))).toMatchObject([
      { level: 50, component: 'prover', batch: 1, l2Block: last, claimed: wrong, computed: honest1 },
    ])

    // Restarted, it stays halted at batch 1.
    await prover.stop()
    const again = await startProver({
      l1: anvil.url,
      rollup,
      bridge: deployments.bridge,
      deployBlock: deployments.deployBlock,
      dataDir: prover.dataDir,
    })
    await again.tick()
    expect(again.halted()).toMatchObject({ index: 1, status: 'disputed' })
    expect(await counter(again, 'prover_batches_attested_total')).toBe(0)

    // Derivation from L1 stops at the same batch and names both roots.
    const err = await deriveFromL1({
      l1RpcUrl: anvil.url,
      rollup,
      bridge: deployments.bridge,
      deployBlock: deployments.deployBlock,
      dataDir: freshDataDir('derive-'),
      config: readConfig({}),
      log,
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DerivationError)
    expect(err).toMatchObject({
      reason: 'output root mismatch',
      batchIndex: 1,
      l2Block: last,
      claimed: wrong,
      computed: honest1,
    })
    expect((err as Error).message).toContain(`derivation diverged at batch 1, L2 block ${last}: output root mismatch`)
    const cli = await runVerify([
      '--l1',
      anvil.url,
      '--rollup',
      rollup,
      '--bridge',
      deployments.bridge,
      '--deploy-block',
      `${deployments.deployBlock}`,
    ])
    expect(cli.code).toBe(1)
    expect(cli.stdout).toMatch(/^batch 0: blocks 1-\d+ .* OK$/m)
    expect(cli.stderr).toContain(`DIVERGED: derivation diverged at batch 1, L2 block ${last}: output root mismatch`)
    expect(cli.stderr).toContain(`claimed:  ${wrong}`)
    expect(cli.stderr).toContain(`computed: ${honest1}`)
  })

  it('behavior: waits out Redis and the L1 being down, then attests what it missed', async () => {
    const redis = await startPrivateRedis()
    cleanup.push(() => redis.stop())
    const d = await startDevnet({})
    cleanup.push(
      () => d.anvil.stop(),
      () => d.node.stop(),
    )
    const first = await sendTransfers(d.node, 3)
    await waitForBatched(d.node, first, 'posted')
    const attestedCount = async () => (await l1Events(d.anvil.url, d.rollup)).count

    // Redis down from the start: nothing can be enqueued, so nothing is attested.
    await redis.stop()
    const captured = capturingLogger()
    await startProver({
      l1: d.anvil.url,
      rollup: d.rollup,
      bridge: d.bridge,
      deployBlock: 0n,
      redisUrl: redis.url,
      log: captured.log,
    })
    const logged = (msg: string) => () => captured.lines.some((l) => l.msg === msg) || undefined
    await waitFor('the Redis outage logged', logged('Redis unavailable; prove jobs wait until it is back'), 15_000)
    expect(await attestedCount()).toBe(0n)
    await redis.start()
    const n1 = await d.l1.readContract({ address: d.rollup, abi: rollupAbi, functionName: 'nextBatchIndex' })
    await waitFor(`${n1} batches attested`, async () => (await attestedCount()) >= n1 || undefined, 60_000, 250)

    // The L1 down for a while: the prover logs it, and attests the new batches once it is back.
    await d.anvil.stop()
    await waitFor('the L1 outage logged', logged('L1 unreachable; proving resumes when it is back'), 15_000)
    await d.anvil.restart()
    const later = await sendTransfers(d.node, 3)
    await waitForBatched(d.node, later, 'posted', 90_000)
    const n2 = await d.l1.readContract({ address: d.rollup, abi: rollupAbi, functionName: 'nextBatchIndex' })
    expect(n2).toBeGreaterThan(n1)
    await waitFor(`${n2} batches attested`, async () => (await attestedCount()) >= n2 || undefined, 90_000, 250)
    expect((await l1Events(d.anvil.url, d.rollup)).disputed).toEqual([])
  })
})
