// `npm run chaos -- [--scenarios kill,l1,redis,reorg,hostile] [--kills 20] [--outage-seconds 60] [--duration 600]
//   [--json] ...`: the chaos harness. It starts its own devnet on loopback, runs a steady workload, SIGKILLs the
// sequencer, stops Anvil and Redis, reorgs L1 and sends hostile input, and checks that no accepted tx is lost or
// duplicated, no block is rewritten, every batch lands on L1 once and in order, and a derivation from L1 alone
// gives the same chain. Prints a table; exit status 1 if any check failed. See docs/chaos.md.
import { availableParallelism, cpus } from 'node:os'
import { ChaosUsageError, parseChaosOptions, USAGE } from './options.ts'
import { formatChaosReport } from './report.ts'
import { runChaos } from './runChaos.ts'

/** Past the budget by this much, the run is ended whatever it is doing (a hang must not outlive the bound). */
const HARD_LIMIT_GRACE_MS = 240_000

async function main(): Promise<number> {
  let options: ReturnType<typeof parseChaosOptions>
  try {
    options = parseChaosOptions(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof ChaosUsageError)) throw err
    process.stderr.write(`${err.problems.map((p) => `error: ${p}`).join('\n')}\n\n${USAGE}\n`)
    return 2
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const hardLimit = setTimeout(() => {
    process.stderr.write(`chaos: still running ${HARD_LIMIT_GRACE_MS / 1000}s past --duration; giving up\n`)
    process.exit(1)
  }, options.durationMs + HARD_LIMIT_GRACE_MS)
  hardLimit.unref()
  const report = await runChaos(options, (line) => process.stderr.write(`${line}\n`))
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`
  if (options.json) process.stdout.write(`${JSON.stringify({ machine, options, ...report }, null, 2)}\n`)
  else process.stdout.write(`\n${machine}, started ${report.startedAt}\n\n${formatChaosReport(report)}\n`)
  return report.passed ? 0 : 1
}

// Ctrl-C: the children (sequencer, Anvil, redis-server) are killed by their exit hooks.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    process.stderr.write(`chaos: interrupted by ${signal}\n`)
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`chaos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  },
)
