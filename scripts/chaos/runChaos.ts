// One chaos run: start the devnet, fund the workload, run the chosen scenarios in order while the workload sends,
// then the final checks — every accepted tx in exactly one block, exact balances, every deposit credited once,
// every block on L1 exactly once and in order, and a fresh derivation from L1 alone arriving at the same head.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type Address, type Hash, type Hex, keccak256 } from 'viem'
import { batchAll, type RpcClient, resultOf } from '../../bench/load/rpc.ts'
import { devAccount, FUNDER_INDEXES, senderAccount, signTransfer } from './accounts.ts'
import { checkBalances, readBalances, waitIncluded } from './balances.ts'
import { createChainWatch } from './chainWatch.ts'
import { checkL1, checkTxsAndBlocks, poll, waitPosted } from './checks.ts'
import type { ChaosContext, Scenario, ScenarioResult } from './context.ts'
import { createDeposits } from './deposits.ts'
import { startChaosDevnet } from './devnet.ts'
import { createLedger } from './ledger.ts'
import type { ChaosOptions, ScenarioName } from './options.ts'
import { hostileScenario } from './scenarios/hostile.ts'
import { killScenario } from './scenarios/kill.ts'
import { l1OutageScenario } from './scenarios/l1Outage.ts'
import { l1RestartScenario } from './scenarios/l1Restart.ts'
import { redisOutageScenario } from './scenarios/redisOutage.ts'
import { reorgScenario } from './scenarios/reorg.ts'
import { verifyFromL1 } from './verifyFromL1.ts'
import { createWorkload } from './workload.ts'

const scenarios: Record<ScenarioName, Scenario> = {
  kill: killScenario,
  l1: l1OutageScenario,
  'l1-restart': l1RestartScenario,
  redis: redisOutageScenario,
  reorg: reorgScenario,
  hostile: hostileScenario,
}

/** One row of the table. */
export type ChaosRow = {
  scenario: string
  runs: number
  /** workload txs first sent during the scenario, plus hostile txs and L1 deposits */
  sent: number
  accepted: number
  included: number
  lost: number
  duplicated: number
  maxRecoveryMs?: number
  failures: string[]
  notes: string[]
}

/** Everything a run found. */
export type ChaosReport = {
  seed: string
  startedAt: string
  elapsedMs: number
  runDir: string
  /** the run directory was kept (--keep, or a check failed) */
  kept: boolean
  rows: ChaosRow[]
  /** the final checks' failures */
  final: string[]
  /** the derived head `npm run verify` reported */
  verified?: { number: string; hash: Hash }
  passed: boolean
}

/** Longest the final drain may wait for accepted txs to be mined. */
const DRAIN_TIMEOUT_MS = 60_000
const FUNDING = 10n ** 19n

/** Runs the chaos harness with `options`; `log` gets progress lines. Never throws for a failed check. */
export async function runChaos(options: ChaosOptions, log: (line: string) => void): Promise<ChaosReport> {
  const t0 = performance.now()
  const startedAt = new Date().toISOString()
  const runDir = mkdtempSync(path.join(tmpdir(), 'parallel-rollup-chaos-'))
  const stamp = (line: string) => log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}`)
  const reserveMs = Math.min(90_000, options.durationMs / 3)
  const deadline = Date.now() + options.durationMs - reserveMs
  const report: ChaosReport = {
    seed: options.seed,
    startedAt,
    elapsedMs: 0,
    runDir,
    kept: false,
    rows: [],
    final: [],
    passed: false,
  }
  stamp(`run directory ${runDir}, seed ${options.seed}`)
  const devnet = await startChaosDevnet({ runDir, basePort: options.basePort })
  let stopScanning = false
  let scanner: Promise<void> | undefined
  try {
    stamp(
      `devnet up: L2 ${devnet.node.url}, L1 ${devnet.anvil.url}, Redis ${devnet.redis.url}, rollup ${devnet.rollup}`,
    )
    const chainId = Number(BigInt(await devnet.l2.call<Hex>('eth_chainId')))
    const chain = createChainWatch(devnet.l2)
    const ledger = createLedger({ l2: devnet.l2, chain })
    const senders = Array.from({ length: options.senders }, (_, i) => senderAccount(options.seed, i))
    await fund(
      devnet.l2,
      chainId,
      senders.map((s) => s.address),
    )
    const senderAddresses = senders.map((s) => s.address.toLowerCase() as Address)
    const baseline = { senders: senderAddresses, before: await readBalances(devnet.l2, senderAddresses) }
    stamp(`funded ${senders.length} senders`)

    let scenario = 'setup'
    const workload = createWorkload({
      l2: devnet.l2,
      chainId,
      seed: options.seed,
      senders,
      ledger,
      chain,
      rate: options.rate,
      maxAhead: 32,
      scenario: () => scenario,
    })
    const ctx: ChaosContext = {
      devnet,
      ledger,
      chain,
      workload,
      deposits: createDeposits({ l1Url: devnet.anvil.url, bridge: devnet.bridge, l2: devnet.l2, seed: options.seed }),
      options,
      random: mulberry32(options.seed),
      log: stamp,
      setScenario: (name) => {
        scenario = name
      },
      remainingMs: () => deadline - Date.now(),
      maxReposts: new Map(),
    }
    // The watch keeps reading new blocks, so the workload knows what is included.
    scanner = (async () => {
      while (!stopScanning) {
        await chain.scanTo().catch(() => {})
        await new Promise((r) => setTimeout(r, 200))
      }
    })()
    workload.start()
    const results: ScenarioResult[] = []
    for (const name of options.scenarios) {
      ctx.setScenario(name)
      stamp(`scenario ${name}`)
      try {
        results.push(await scenarios[name](ctx))
      } catch (err) {
        results.push({ scenario: name, runs: 0, failures: [`${name}: crashed: ${(err as Error).stack ?? err}`] })
        // whatever the scenario left stopped stops everything after it: bring it back for the rest of the run
        for (const service of [devnet.redis, devnet.anvil])
          if (!service.running()) await service.start().catch(() => {})
        if (!devnet.node.running()) await devnet.node.start().catch(() => {})
      }
      const r = results[results.length - 1]
      stamp(`scenario ${name}: ${r.failures.length ? `${r.failures.length} checks FAILED` : 'passed'}`)
    }

    // Final: let every accepted tx land, then the checks over the whole run.
    ctx.setScenario('final')
    workload.pause()
    const final: string[] = []
    const waiting = await waitIncluded({ ledger, chain, unanswered: workload.unanswered }, DRAIN_TIMEOUT_MS)
    await workload.stop()
    if (waiting.length)
      final.push(`${waiting.length} accepted txs not in a block ${DRAIN_TIMEOUT_MS / 1000}s after the workload stopped`)
    for (const r of workload.refusals().slice(0, 5)) final.push(`workload tx refused: ${r}`)
    final.push(...(await checkTxsAndBlocks(ctx, 'final')))
    final.push(...(await checkBalances(devnet.l2, { ledger, chain, baseline })))
    const deposits = await poll(
      async () => {
        const c = await ctx.deposits.check()
        return c.missing.length === 0 ? c : undefined
      },
      60_000,
      500,
    ).then((c) => c ?? ctx.deposits.check())
    for (const d of deposits.missing) final.push(`deposit ${d.l1TxHash} to ${d.to} never credited on L2`)
    for (const d of deposits.doubled) final.push(`deposit ${d.l1TxHash} to ${d.to} credited more than once`)
    const head = await chain.scanTo()
    const postedMs = await waitPosted(ctx, head, 180_000)
    if (postedMs === undefined) final.push(`L2 block ${head} not posted to L1 within 180s`)
    final.push(...(await checkL1(ctx, 'final')))
    stamp(`final: every tx and balance checked; deriving the chain from L1 alone (npm run verify)`)
    const v = await verifyFromL1({ l1Url: devnet.anvil.url, deploymentsFile: devnet.deploymentsFile })
    if (v.code !== 0 || !v.head) final.push(`npm run verify exited ${v.code}: ${v.tail}`)
    else {
      report.verified = { number: v.head.number.toString(), hash: v.head.hash }
      if (v.head.number < head)
        final.push(`derivation from L1 stops at block ${v.head.number}, the L2 head was ${head}`)
      await chain.scanTo(v.head.number)
      const ours = chain.hashOf(Number(v.head.number))
      if (ours !== v.head.hash)
        final.push(`derived block ${v.head.number} is ${v.head.hash}, the sequencer's is ${ours ?? 'missing'}`)
      stamp(
        `verify: derived head ${v.head.number} ${v.head.hash} ${ours === v.head.hash ? '= the sequencer’s' : 'DIFFERS'}`,
      )
    }
    report.final = final

    for (const r of results) {
      const c = ledger.counts(r.scenario)
      const dep = deposits
      const myDeposits = ctx.deposits.all().filter((d) => d.scenario === r.scenario)
      const credited = myDeposits.filter((d) => !dep.missing.includes(d) && !dep.doubled.includes(d)).length
      report.rows.push({
        scenario: r.scenario,
        runs: r.runs,
        sent: c.sent + (r.scenario === 'hostile' ? (r.extraSent ?? 0) : myDeposits.length),
        accepted: c.accepted + (r.extraAccepted ?? 0) + myDeposits.length,
        included: c.included + credited,
        lost: c.lost + myDeposits.filter((d) => dep.missing.includes(d)).length,
        duplicated: c.duplicated + myDeposits.filter((d) => dep.doubled.includes(d)).length,
        maxRecoveryMs: r.maxRecoveryMs,
        failures: r.failures,
        notes: r.notes ?? [],
      })
    }
    report.passed =
      report.final.length === 0 &&
      report.rows.every((r) => r.failures.length === 0 && r.lost === 0 && r.duplicated === 0)
  } catch (err) {
    report.final.push(`the run crashed: ${(err as Error).stack ?? err}`)
  } finally {
    stopScanning = true
    await scanner
    await devnet.close()
    report.elapsedMs = Math.round(performance.now() - t0)
    report.kept = options.keep || !report.passed
    if (!report.kept) rmSync(runDir, { recursive: true, force: true })
  }
  return report
}

/** Sends FUNDING wei to each address from the funder dev accounts and waits until every transfer is mined. */
async function fund(l2: RpcClient, chainId: number, to: readonly Address[]): Promise<void> {
  const funders = FUNDER_INDEXES.map(devAccount)
  const nonces = await batchAll(
    l2,
    funders.map((f) => ({ method: 'eth_getTransactionCount', params: [f.address, 'pending'] })),
  ).then((r) => r.map((x) => BigInt(resultOf<Hex>(x, 'eth_getTransactionCount'))))
  const raws: Hex[] = []
  for (const [i, address] of to.entries()) {
    const k = i % funders.length
    raws.push(await signTransfer(funders[k], { chainId, nonce: nonces[k]++, to: address, value: FUNDING }))
  }
  const replies = await l2.batch(raws.map((raw) => ({ method: 'eth_sendRawTransaction', params: [raw] })))
  for (const r of replies) resultOf(r, 'eth_sendRawTransaction')
  const hashes = raws.map((r) => keccak256(r))
  const mined = await poll(async () => {
    const rs = await l2.batch(hashes.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })))
    return rs.every((r) => (r.result as { status?: Hex } | null)?.status === '0x1') ? true : undefined
  }, 60_000)
  if (!mined) throw new Error('funding the workload senders: not mined within 60s')
}

/** A small seeded PRNG, so --seed repeats the same kill moments and hostile payloads. */
function mulberry32(seed: string): () => number {
  let a = Number.parseInt(keccak256(new TextEncoder().encode(seed)).slice(2, 10), 16)
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
