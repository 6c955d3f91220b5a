// The table `npm run chaos` prints, and the failure lines under it.
import type { ChaosReport } from './runChaos.ts'

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`)

/** The report as a Markdown table (so it pastes into docs as it is), then every failed check. */
export function formatChaosReport(report: ChaosReport): string {
  const header = [
    'scenario',
    'runs',
    'txs sent',
    'accepted',
    'included',
    'lost',
    'duplicated',
    'max recovery',
    'checks',
  ]
  const rows = report.rows.map((r) => [
    r.scenario,
    String(r.runs),
    String(r.sent),
    String(r.accepted),
    String(r.included),
    String(r.lost),
    String(r.duplicated),
    seconds(r.maxRecoveryMs),
    r.failures.length ? `${r.failures.length} FAILED` : 'passed',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`
  const rule = `| ${widths.map((w, i) => (i === 0 || i === widths.length - 1 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`
  const out = [line(header), rule, ...rows.map(line), '']
  out.push(
    report.final.length === 0
      ? `final: every accepted tx in exactly one block, balances exact, deposits credited once, L1 holds every block once and in order${report.verified ? `, npm run verify derives the same head (block ${report.verified.number} ${report.verified.hash})` : ''}`
      : 'final checks FAILED:',
  )
  for (const f of report.final) out.push(`  - ${f}`)
  for (const r of report.rows) for (const f of r.failures) out.push(`  - ${f}`)
  for (const r of report.rows) for (const n of r.notes) out.push(`note (${r.scenario}): ${n}`)
  out.push(
    '',
    `${report.passed ? 'PASSED' : 'FAILED'} in ${(report.elapsedMs / 1000).toFixed(0)} s (seed ${report.seed})${report.kept ? `; run directory kept: ${report.runDir}` : ''}`,
  )
  return out.join('\n')
}
