// The chaos harness in CI: every scenario once, cut down (2 SIGKILLs, 5 s outages, one shallow L1 reorg, the
// hostile input), against its own devnet on ports 19900-19990. Nothing accepted may be lost or duplicated, and
// every other check must pass. `npm run chaos` is the full run (docs/chaos.md).
import { describe, expect, it } from 'vitest'
import { parseChaosOptions } from './options.ts'
import { runChaos } from './runChaos.ts'

describe('npm run chaos', () => {
  it('default: a reduced run of every scenario loses nothing, duplicates nothing, and passes every check', async () => {
    const options = parseChaosOptions([
      ...['--kills', '2', '--kill-gap-ms', '500-2000', '--outage-seconds', '5', '--reorgs', '1'],
      ...['--rate', '50', '--senders', '8', '--duration', '180', '--base-port', '19900'],
    ])
    if (options === 'help') throw new Error('unreachable')
    const lines: string[] = []
    const report = await runChaos(options, (line) => lines.push(line))
    expect(report.rows.map((r) => r.scenario)).toEqual(['kill', 'l1', 'l1-restart', 'redis', 'reorg', 'hostile'])
    for (const r of report.rows) {
      expect(r.runs, r.scenario).toBeGreaterThan(0)
      expect(r.lost, r.scenario).toBe(0)
      expect(r.duplicated, r.scenario).toBe(0)
    }
    // every failed check, with the run's log, so a CI failure says what happened
    const failures = [...report.final, ...report.rows.flatMap((r) => r.failures)]
    expect(failures, lines.join('\n')).toEqual([])
    expect(report.verified).toBeDefined()
    expect(report.passed).toBe(true)
  }, 300_000)
})
