// Figures out of runs: percentiles, the median over runs per target, the markdown table, the JSON object,
// and the progress line on stderr.
import type { RunResult } from './runLoad.ts'
import type { SyncLatencyResult } from './syncLatency.ts'
import type { TargetName } from './targets.ts'

/** p50/p90/p99 (nearest rank) of `xs`, rounded to 0.1 ms; zeros for an empty list. */
export function percentiles(xs: readonly number[]): { p50: number; p90: number; p99: number } {
  if (xs.length === 0) return { p50: 0, p90: 0, p99: 0 }
  const sorted = [...xs].sort((a, b) => a - b)
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] * 10) / 10
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99) }
}

/** The median (the lower middle one for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]
}

/** One target's runs folded into one row: each figure is the median of that figure over the runs. */
export type TargetSummary = {
  target: TargetName
  runs: number
  stalledRuns: number
  verifiedRuns: number
  txs: number
  included: number
  acceptedTps: number
  includedTps: number
  latencyMs: { p50: number; p90: number; p99: number }
  blocks: number
  txsPerBlock: number
  maxTxsPerBlock: number
}

/**
 * Medians over the runs of one target that completed; a stalled run's figures cover only part of the
 * workload, so they count only when every run stalled (and the row then says so).
 */
export function summarize(target: TargetName, runs: readonly RunResult[]): TargetSummary {
  const completed = runs.filter((r) => !r.stalled)
  const m = (f: (r: RunResult) => number) => median((completed.length ? completed : runs).map(f))
  return {
    target,
    runs: runs.length,
    stalledRuns: runs.filter((r) => r.stalled).length,
    verifiedRuns: runs.filter((r) => r.verified).length,
    txs: m((r) => r.txs),
    included: m((r) => r.included),
    acceptedTps: m((r) => r.acceptedTps),
    includedTps: m((r) => r.includedTps),
    latencyMs: { p50: m((r) => r.latencyMs.p50), p90: m((r) => r.latencyMs.p90), p99: m((r) => r.latencyMs.p99) },
    blocks: m((r) => r.blocks),
    txsPerBlock: m((r) => r.txsPerBlock),
    maxTxsPerBlock: m((r) => r.maxTxsPerBlock),
  }
}

const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-')
const ms = (x: number) => (x >= 100 ? Math.round(x).toString() : x.toFixed(1))

/**
 * A markdown table, one row per target. `node ÷ this` is our node's included tx/s over the row's:
 * above 1 our node is faster.
 */
export function formatLoadTable(rows: readonly TargetSummary[]): string {
  const node = rows.find((r) => r.target === 'node' || r.target === 'rpc')
  const lines = [
    '| target | txs | accepted tx/s | included tx/s | latency p50 / p90 / p99 ms | blocks | txs/block (max) | node ÷ this | runs ok |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const r of rows) {
    const stalled = r.stalledRuns > 0 && r.stalledRuns === r.runs
    const ratio = node && !stalled && r.includedTps > 0 ? `${(node.includedTps / r.includedTps).toFixed(2)}x` : '-'
    lines.push(
      stalled
        ? `| ${r.target} | ${int(r.txs)} | stalled | stalled after ${int(r.included)} | - | - | - | - | ${r.verifiedRuns}/${r.runs} (${r.stalledRuns} stalled) |`
        : `| ${r.target} | ${int(r.txs)} | ${int(r.acceptedTps)} | ${int(r.includedTps)} | ${ms(r.latencyMs.p50)} / ${ms(r.latencyMs.p90)} / ${ms(r.latencyMs.p99)} | ${int(r.blocks)} | ${int(r.txsPerBlock)} (${int(r.maxTxsPerBlock)}) | ${ratio} | ${r.verifiedRuns}/${r.runs}${r.stalledRuns ? ` (${r.stalledRuns} stalled)` : ''} |`,
    )
  }
  return lines.join('\n')
}

/** A markdown table of eth_sendRawTransactionSync latencies, one row per target (medians over runs). */
export function formatSyncTable(rows: readonly { target: TargetName; runs: SyncLatencyResult[] }[]): string {
  const lines = ['| target | txs | p50 ms | p90 ms | p99 ms | note |', '|---|---:|---:|---:|---:|---|']
  for (const { target, runs } of rows) {
    const ok = runs.filter((r) => r.supported)
    if (ok.length === 0) {
      lines.push(`| ${target} | - | - | - | - | ${runs[0]?.note ?? 'not supported'} |`)
      continue
    }
    const m = (f: (r: SyncLatencyResult) => number) => ms(median(ok.map(f)))
    lines.push(
      `| ${target} | ${ok[0].count} | ${m((r) => r.latencyMs.p50)} | ${m((r) => r.latencyMs.p90)} | ${m((r) => r.latencyMs.p99)} | ${ok[0].note ?? ''} |`,
    )
  }
  return lines.join('\n')
}

/** A line on stderr redrawn in place (\r) at most every 100 ms; a plain line every 5 s when not a terminal. */
export function createProgressLine(label: string, { enabled }: { enabled: boolean }) {
  const tty = process.stderr.isTTY === true
  let last = 0
  let shown = false
  return {
    update(text: string) {
      if (!enabled) return
      const now = performance.now()
      if (now - last < (tty ? 100 : 5000)) return
      last = now
      shown = true
      process.stderr.write(tty ? `\r${label} ${text}\x1b[K` : `${label} ${text}\n`)
    },
    done(text: string) {
      if (!enabled) return
      process.stderr.write(tty && shown ? `\r${label} ${text}\x1b[K\n` : `${label} ${text}\n`)
    },
  }
}
