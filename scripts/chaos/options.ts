// The command line of `npm run chaos`, checked in full: every problem is reported at once.
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { BaseError } from '../../core/errors/base.ts'

/** The scenarios, in the order they run. */
export const scenarioNames = ['kill', 'l1', 'l1-restart', 'redis', 'reorg', 'hostile'] as const
/** What runs without --scenarios: every scenario. */
export const defaultScenarios: readonly ScenarioName[] = ['kill', 'l1', 'l1-restart', 'redis', 'reorg', 'hostile']
/** One of `scenarioNames`. */
export type ScenarioName = (typeof scenarioNames)[number]

/** Everything a chaos run is told. */
export type ChaosOptions = Readonly<{
  scenarios: readonly ScenarioName[]
  /** SIGKILLs of the sequencer in the kill scenario */
  kills: number
  /** least and most time between a recovery and the next kill, ms */
  killGapMs: readonly [number, number]
  /** how long Anvil and Redis stay down, ms */
  outageMs: number
  /** L1 reorgs (shallow and deep alternate, each by anvil_reorg then anvil_rollback) */
  reorgs: number
  /** the whole run's time budget, ms: the scenarios get it less a reserve for the final checks */
  durationMs: number
  /** workload txs per second */
  rate: number
  senders: number
  seed: string
  /** RPC on base, admin base+1, Anvil base+10, Redis base+90 */
  basePort: number
  json: boolean
  /** keep the run directory (node log, chain, L1 state) even when every check passed */
  keep: boolean
}>

export const USAGE = `usage: npm run chaos -- [options]

Starts its own devnet on loopback (Anvil, a private redis-server, the sequencer as a child process), runs a
normal workload through every scenario, and checks that nothing accepted is lost or duplicated.

  --scenarios LIST       comma-separated, from ${scenarioNames.join(',')}
                         (default ${defaultScenarios.join(',')})
  --kills N              SIGKILLs of the sequencer under load (default 20)
  --kill-gap-ms A-B      random time between a recovery and the next kill, ms (default 1000-5000)
  --outage-seconds S     how long Anvil (l1) and Redis (redis) stay down (default 60)
  --reorgs N             L1 reorgs: shallow and deep in turn, by anvil_reorg then anvil_rollback (default 4)
  --duration S           time budget of the whole run, s: runs that would pass it are skipped and fail (default 600)
  --rate N               workload txs per second (default 100)
  --senders N            workload senders (default 16)
  --seed TEXT            picks the kill moments and the keys (default random; printed)
  --base-port P          RPC on P, admin P+1, Anvil P+10, Redis P+90 (default 19800)
  --json                 one JSON object on stdout instead of the table
  --keep                 keep the run directory (logs, chain) even when every check passed
  --help

Exit status: 0 every check passed, 1 a tx was lost or duplicated or another check failed, 2 usage.`

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      scenarios: { type: 'string', default: defaultScenarios.join(',') },
      kills: { type: 'string', default: '20' },
      'kill-gap-ms': { type: 'string', default: '1000-5000' },
      'outage-seconds': { type: 'string', default: '60' },
      reorgs: { type: 'string', default: '4' },
      duration: { type: 'string', default: '600' },
      rate: { type: 'string', default: '100' },
      senders: { type: 'string', default: '16' },
      seed: { type: 'string' },
      'base-port': { type: 'string', default: '19800' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
}

/** Reads the options from `argv`; throws {@link ChaosUsageError} with every problem. */
export function parseChaosOptions(argv: string[]): ChaosOptions | 'help' {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (err) {
    throw new ChaosUsageError([(err as Error).message])
  }
  const { values: v, positionals } = parsed
  if (v.help) return 'help'
  const problems: string[] = []
  const count = (name: string, raw: string, min = 0) => {
    const n = Number(raw)
    if (!Number.isInteger(n) || n < min) problems.push(`--${name} must be an integer >= ${min}, got ${raw}`)
    return n
  }
  if (positionals.length) problems.push(`unexpected argument(s): ${positionals.join(' ')}`)
  const scenarios = v.scenarios
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const s of scenarios)
    if (!(scenarioNames as readonly string[]).includes(s))
      problems.push(`--scenarios: unknown scenario ${s} (known: ${scenarioNames.join(', ')})`)
  const gap = /^(\d+)-(\d+)$/.exec(v['kill-gap-ms'])
  if (!gap || Number(gap[1]) > Number(gap[2]))
    problems.push(`--kill-gap-ms must be A-B with A <= B, in ms, got ${v['kill-gap-ms']}`)
  const basePort = count('base-port', v['base-port'], 1024)
  if (basePort + 90 > 65_535) problems.push(`--base-port leaves no room for Redis at +90: ${basePort}`)
  const options: ChaosOptions = Object.freeze({
    // in the fixed order, whatever order they were given in
    scenarios: scenarioNames.filter((s) => scenarios.includes(s)),
    kills: count('kills', v.kills),
    killGapMs: [Number(gap?.[1] ?? 0), Number(gap?.[2] ?? 0)] as const,
    outageMs: count('outage-seconds', v['outage-seconds'], 1) * 1000,
    reorgs: count('reorgs', v.reorgs),
    durationMs: count('duration', v.duration, 60) * 1000,
    rate: count('rate', v.rate, 1),
    senders: count('senders', v.senders, 1),
    seed: v.seed ?? randomBytes(4).toString('hex'),
    basePort,
    json: v.json,
    keep: v.keep,
  })
  if (problems.length) throw new ChaosUsageError(problems)
  return options
}

/** The command line is wrong (exit status 2); lists every problem. */
export class ChaosUsageError extends BaseError {
  override name = 'ChaosUsageError' as const
  readonly problems: string[]
  constructor(problems: string[]) {
    super('invalid command line', { metaMessages: problems })
    this.problems = problems
  }
}
