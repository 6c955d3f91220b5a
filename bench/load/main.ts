// npm run load -- [--rpc URL | --node] [--compare-anvil] [--workload eth|erc20|uniswap|mixed] [--senders 50]
//   [--txs-per-sender 100] [--batch 50] [--in-flight 4] [--runs 1] [--json] [--sync-latency] [--profile DIR]
// The end-to-end load benchmark: pre-signed txs sent over JSON-RPC to our node (and Anvil), timed from the
// first send to the last receipt, every receipt and balance checked. See docs/throughput.md.
import { availableParallelism, cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import type { Address } from 'viem'
import { configSchema } from '../../core/config/config.ts'
import { formatProfiles, summarizeProfiles } from './profile.ts'
import { createProgressLine, formatLoadTable, formatSyncTable, summarize } from './report.ts'
import { type RunResult, runLoad } from './runLoad.ts'
import { formatSoak, runSoak } from './soak.ts'
import { measureSyncLatency, type SyncLatencyResult } from './syncLatency.ts'
import { startLoadTarget, type TargetName } from './targets.ts'
import { type LoadPlan, planLoad, type WorkloadName, workloadNames } from './workloads.ts'

const USAGE = `usage: npm run load -- [options]

targets (one of --rpc / --node; --node is the default):
  --rpc URL              measure a running node at URL (its dev accounts must be the test mnemonic's)
  --node                 start our node (sequencer/main.ts) as a child process, fresh DATA_DIR, no L1
  --compare-anvil        also run the same pre-signed workload against fresh Anvils (chain id 901901, prague)
  --anvil-modes LIST     which Anvils, comma-separated: automine,1s (default both)
  --block-time-ms N      the started node's BLOCK_TIME_MS (default: the node's default, ${configSchema.shape.BLOCK_TIME_MS.parse(undefined)})

workload:
  --workload NAME        ${workloadNames.join(' | ')} (default eth)
  --senders S            fresh senders, funded from the 10 dev accounts (default 50)
  --txs-per-sender K     measured txs per sender: S x K in all (default 100)
  --seed TEXT            seed of the sender and recipient keys (default load)

sending and receipts:
  --batch N              txs per eth_sendRawTransaction JSON-RPC batch (default 50)
  --in-flight N          batches in flight at once (default 4)
  --max-ahead N          a sender's tx k waits for the receipt of its tx k - N (default 0: no limit); our
                         node refuses a nonce more than MEMPOOL_MAX_NONCE_GAP (64) past the sender's
                         *mined* nonce, so once intake outruns inclusion by that much use --max-ahead 64
  --poll-ms N            receipt poll interval (default 20)
  --stall-seconds N      no new receipt for this long: the row is reported as stalled (default 20)

measurement and output:
  --runs N               repeat everything N times, fresh node/Anvil each time; medians (default 1)
  --sync-latency         instead: eth_sendRawTransactionSync latency on an idle target
  --sync-count N         sequential txs for --sync-latency (default 50)
  --soak SECONDS         instead: a sustained run of --rate ETH transfers a second for SECONDS against our node,
                         a row per --window, then PASS/FAIL against the bounds below (exit 1 on FAIL)
  --rate N               txs per second for --soak (default 2800: just under the default chain's gas target,
                         15M gas per 250 ms block = 2,857 transfers/s; a rate above the target raises the base
                         fee block after block, by EIP-1559's design, until it prices the load out: for 80% of
                         the node's peak, raise BLOCK_GAS_LIMIT too, e.g. BLOCK_GAS_LIMIT=60000000)
  --window SECONDS       --soak reporting window (default 30)
  --max-latency-growth X --soak bound: last windows' p99 <= X * first full windows' p99 + 100 ms (default 2)
  --max-rss-growth-mb N  --soak bound: the node's resident memory grows by at most N MiB (default 256)
  --profile DIR          run the started node with --cpu-prof into DIR/node-runN and print where its time went
  --json                 one JSON object on stdout instead of the tables
  --help`

/** The command line, checked in full: every problem is reported at once. */
function readOptions() {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse()
  } catch (err) {
    usageError([(err as Error).message])
  }
  const v = parsed.values
  if (v.help) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(0)
  }
  const problems: string[] = []
  const positive = (name: string, raw: string) => {
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1) problems.push(`--${name} must be a positive integer, got ${raw}`)
    return n
  }
  if (parsed.positionals.length) problems.push(`unexpected argument(s): ${parsed.positionals.join(' ')}`)
  if (v.rpc !== undefined && v.node) problems.push('--rpc and --node exclude each other')
  if (v.rpc !== undefined && !/^https?:\/\/.+/.test(v.rpc)) problems.push(`--rpc must be an http(s) URL, got ${v.rpc}`)
  if (v.profile !== undefined && v.rpc !== undefined)
    problems.push('--profile needs a node this tool starts (not --rpc)')
  if (!(workloadNames as readonly string[]).includes(v.workload))
    problems.push(`--workload must be one of ${workloadNames.join(', ')}, got ${v.workload}`)
  const modes = (v['anvil-modes'] ?? 'automine,1s').split(',').map((m) => m.trim())
  for (const m of modes) if (m !== 'automine' && m !== '1s') problems.push(`--anvil-modes: unknown mode ${m}`)
  if (v['anvil-modes'] !== undefined && !v['compare-anvil']) problems.push('--anvil-modes needs --compare-anvil')
  if (v.soak !== undefined && (v.rpc !== undefined || v['compare-anvil'] || v['sync-latency'] || v.profile))
    problems.push(
      '--soak runs against a node it starts, alone (not with --rpc, --compare-anvil, --sync-latency, --profile)',
    )
  if (!(Number(v['max-latency-growth']) >= 1)) problems.push('--max-latency-growth must be a number >= 1')
  const options = {
    rpc: v.rpc,
    workload: v.workload as WorkloadName,
    senders: positive('senders', v.senders),
    txsPerSender: positive('txs-per-sender', v['txs-per-sender']),
    batch: positive('batch', v.batch),
    inFlight: positive('in-flight', v['in-flight']),
    pollMs: positive('poll-ms', v['poll-ms']),
    maxAhead: v['max-ahead'] === '0' ? 0 : positive('max-ahead', v['max-ahead']),
    stallMs: positive('stall-seconds', v['stall-seconds']) * 1000,
    runs: positive('runs', v.runs),
    syncCount: positive('sync-count', v['sync-count']),
    blockTimeMs: positive(
      'block-time-ms',
      v['block-time-ms'] ?? String(configSchema.shape.BLOCK_TIME_MS.parse(undefined)),
    ),
    syncLatency: v['sync-latency'],
    soak: v.soak === undefined ? undefined : positive('soak', v.soak),
    rate: positive('rate', v.rate),
    windowSeconds: positive('window', v.window),
    maxLatencyGrowth: Number(v['max-latency-growth']),
    maxRssGrowthMb: positive('max-rss-growth-mb', v['max-rss-growth-mb']),
    profile: v.profile,
    json: v.json,
    seed: v.seed,
    targets: [
      v.rpc !== undefined ? 'rpc' : 'node',
      ...(v['compare-anvil'] ? modes.map((m) => (m === '1s' ? 'anvil-1s' : 'anvil-automine')) : []),
    ] as TargetName[],
  }
  if (problems.length) usageError(problems)
  return Object.freeze(options)
}

function parse() {
  return parseArgs({
    strict: true,
    allowPositionals: true,
    options: {
      rpc: { type: 'string' },
      node: { type: 'boolean', default: false },
      'compare-anvil': { type: 'boolean', default: false },
      'anvil-modes': { type: 'string' },
      'block-time-ms': { type: 'string' },
      workload: { type: 'string', default: 'eth' },
      senders: { type: 'string', default: '50' },
      'txs-per-sender': { type: 'string', default: '100' },
      seed: { type: 'string', default: 'load' },
      batch: { type: 'string', default: '50' },
      'in-flight': { type: 'string', default: '4' },
      'poll-ms': { type: 'string', default: '20' },
      'max-ahead': { type: 'string', default: '0' },
      'stall-seconds': { type: 'string', default: '20' },
      runs: { type: 'string', default: '1' },
      'sync-latency': { type: 'boolean', default: false },
      'sync-count': { type: 'string', default: '50' },
      soak: { type: 'string' },
      rate: { type: 'string', default: '2800' },
      window: { type: 'string', default: '30' },
      'max-latency-growth': { type: 'string', default: '2' },
      'max-rss-growth-mb': { type: 'string', default: '256' },
      profile: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
}

function usageError(problems: string[]): never {
  process.stderr.write(`${problems.map((p) => `error: ${p}`).join('\n')}\n\n${USAGE}\n`)
  process.exit(2)
}

const machine = () => ({
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  node: process.version,
  loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
})

async function main() {
  const o = readOptions()
  const log = (s: string) => process.stderr.write(`${s}\n`)
  if (o.soak !== undefined) {
    const startedAt = machine()
    const r = await runSoak({ ...o, seconds: o.soak, log })
    if (o.json) process.stdout.write(`${JSON.stringify({ machine: startedAt, options: o, soak: r }, null, 2)}\n`)
    else
      process.stdout.write(
        `\n${startedAt.cpu}, ${startedAt.cores} cores, Node ${startedAt.node}, load average at start ${startedAt.loadavg.join(' ')}\n${formatSoak(r)}\n`,
      )
    return r.pass ? 0 : 1
  }
  const plans = new Map<string, Promise<LoadPlan>>()
  const plan = (chainId: number, nonces: ReadonlyMap<Address, bigint>) => {
    // Fresh chains all start at nonce 0: the same signed bytes go to every target and every run.
    const key = `${chainId}:${[...nonces.values()].join(',')}`
    let p = plans.get(key)
    if (!p) {
      log(`signing ${o.senders * o.txsPerSender} ${o.workload} txs (+ setup) for chain ${chainId}...`)
      plans.set(key, (p = planLoad({ ...o, chainId, nonces })))
    }
    return p
  }
  const loadRuns = new Map<TargetName, RunResult[]>(o.targets.map((t) => [t, []]))
  const syncRuns = new Map<TargetName, SyncLatencyResult[]>(o.targets.map((t) => [t, []]))
  const startedAt = machine()

  for (let run = 1; run <= o.runs; run++) {
    for (const name of o.targets) {
      const label = `[run ${run}/${o.runs} ${name}]`
      log(`${label} starting (load average ${loadavg()[0].toFixed(2)})`)
      const target = await startLoadTarget(name, {
        rpcUrl: o.rpc,
        blockTimeMs: o.blockTimeMs,
        profileDir: name === 'node' ? o.profile : undefined,
        run,
      })
      try {
        if (o.syncLatency) {
          const r = await measureSyncLatency(target, { seed: o.seed, count: o.syncCount, timeoutMs: o.stallMs })
          syncRuns.get(name)!.push(r)
          log(`${label} ${r.supported ? `sync p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms` : r.note}`)
        } else {
          const progress = createProgressLine(label, { enabled: true })
          const r = await runLoad(target, {
            ...o,
            batchSize: o.batch,
            plan,
            onProgress: (p) =>
              progress.update(
                `sent ${p.sent}/${p.total}${p.rejected ? ` (${p.rejected} refused)` : ''}, included ${p.included}`,
              ),
          })
          loadRuns.get(name)!.push(r)
          progress.done(
            `${r.stalled ? 'STALLED, ' : ''}included ${r.included}/${r.txs}: ${Math.round(r.includedTps)} tx/s included, ${Math.round(r.acceptedTps)} tx/s accepted, p50 ${r.latencyMs.p50} ms, ${r.blocks} blocks${r.verified ? ', verified' : ''}`,
          )
          for (const p of r.problems) log(`${label} problem: ${p}`)
        }
      } finally {
        await target.stop()
      }
      if (target.profileDir) {
        // The measured phase only, first send -> last receipt (for --sync-latency: the whole process).
        const windowUs = o.syncLatency ? undefined : loadRuns.get(name)!.at(-1)?.windowUs
        const threads = summarizeProfiles(target.profileDir, { top: 30, windowUs })
        log(`${label} profile of the measured phase (${target.profileDir}):\n${formatProfiles(threads)}`)
      }
    }
  }

  const header = `${startedAt.cpu}, ${startedAt.cores} cores, Node ${startedAt.node}, load average at start ${startedAt.loadavg.join(' ')}`
  if (o.syncLatency) {
    const rows = o.targets.map((target) => ({ target, runs: syncRuns.get(target)! }))
    if (o.json) process.stdout.write(`${JSON.stringify({ machine: startedAt, options: o, sync: rows }, null, 2)}\n`)
    else
      process.stdout.write(
        `\n${header}\neth_sendRawTransactionSync, median of ${o.runs} run(s)\n${formatSyncTable(rows)}\n`,
      )
    return 0
  }
  const summaries = o.targets.map((t) => summarize(t, loadRuns.get(t)!))
  if (o.json) {
    const load = o.targets.map((t, i) => ({ target: t, median: summaries[i], runs: loadRuns.get(t) }))
    process.stdout.write(`${JSON.stringify({ machine: startedAt, options: o, load }, null, 2)}\n`)
  } else {
    process.stdout.write(
      `\n${header}\n${o.workload}: ${o.senders} senders x ${o.txsPerSender} txs, batches of ${o.batch}, ${o.inFlight} in flight; median of ${o.runs} run(s)\n${formatLoadTable(summaries)}\n`,
    )
  }
  const allVerified = [...loadRuns.values()].flat().every((r) => r.verified || r.stalled)
  return allVerified ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${describeError(err)}\n`)
    process.exit(1)
  },
)

/** The error's stack and those of its causes (a transport error's cause says which socket failed how). */
function describeError(err: unknown): string {
  const parts: string[] = []
  for (let e = err, depth = 0; e !== undefined && depth < 4; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? e.message) : String(e))
    e = e instanceof Error ? e.cause : undefined
  }
  return parts.join('\ncaused by: ')
}
