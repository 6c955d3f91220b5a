import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type ConformanceMode, selectExecutors } from './executors.ts'
import { DEFAULT_FIXTURE_DIR, runConformance, summaryLine } from './runner.ts'

/**
 * `npm run conformance -- [dir] [--mode sequential|parallel|both]`: runs every BlockchainTest JSON
 * under `dir` through our executor(s), prints one line per failure and, last, `N passed, N failed`.
 * Exit code 0 when nothing failed, 1 otherwise (2 on bad arguments).
 */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse()
  } catch (err) {
    console.error(`${(err as Error).message}\nusage: npm run conformance -- [dir] [--mode sequential|parallel|both]`)
    return 2
  }
  const { dir, mode } = parsed
  for (const note of selectExecutors(mode).notes) console.error(`note: ${note}`)
  const summary = await runConformance({ dir, mode, onFailure: (line) => console.log(line) })
  console.error(
    `executors: ${summary.executors.join(', ')}; ${summary.files} files in ${(summary.ms / 1000).toFixed(1)}s (${dir})`,
  )
  console.log(summaryLine(summary))
  return summary.failed > 0 ? 1 : 0
}

function parse(): { dir: string; mode: ConformanceMode } {
  const { values, positionals } = parseArgs({
    options: { mode: { type: 'string', default: 'both' } },
    allowPositionals: true,
  })
  const mode = values.mode
  if (mode !== 'sequential' && mode !== 'parallel' && mode !== 'both')
    throw new Error(`--mode must be sequential, parallel or both (got ${mode})`)
  if (positionals.length > 1) throw new Error(`expected at most one directory (got ${positionals.join(' ')})`)
  // The default is relative to the repository root, wherever this is run from.
  const dir = positionals[0] ? resolve(positionals[0]) : resolve(REPO_ROOT, DEFAULT_FIXTURE_DIR)
  return { dir, mode }
}

process.exitCode = await main()
