import { relative } from 'node:path'
import { createChainCommon } from '../../core/chain/createChainCommon.ts'
import { type ConformanceMode, EXECUTORS, type NamedExecutor, selectExecutors } from './executors.ts'
import { findFixtureFiles, loadFixtureFile } from './fixture.ts'
import { errorText, runBlockchainTest } from './runTest.ts'

/** The single fork our executor implements, as fixtures name it, and as `Common` names it. */
export const SUPPORTED_NETWORK = 'Cancun'
const HARDFORK = 'cancun'
const CHAIN_ID = 1

/** Where the shared subset of `ethereum/tests` BlockchainTests lives, relative to the repository root. */
export const DEFAULT_FIXTURE_DIR = '../shared/fixtures/ethereum-tests/BlockchainTests'

export type ConformanceSummary = {
  passed: number
  failed: number
  skipped: number
  /** One line per failure: `<test name> block <n> <field> expected <x> got <y>`. */
  failures: string[]
  notes: string[]
  executors: string[]
  files: number
  ms: number
}

export type RunConformanceParameters = {
  dir: string
  mode?: ConformanceMode
  /** The executors available (defaults to {@link EXECUTORS}); tests inject their own. */
  available?: readonly NamedExecutor[]
  /** Called with each failure line as soon as it is known. */
  onFailure?: (line: string) => void
}

/**
 * Runs every BlockchainTest under `dir` through each executor `mode` selects. A test passes when it
 * passes on every one of them; tests of another network than {@link SUPPORTED_NETWORK} are skipped.
 * When more than one executor runs, failure lines carry the executor's name after the test name.
 */
export async function runConformance({
  dir,
  mode = 'both',
  available = EXECUTORS,
  onFailure,
}: RunConformanceParameters): Promise<ConformanceSummary> {
  const started = performance.now()
  const { executors, notes } = selectExecutors(mode, available)
  const common = createChainCommon({ chainId: CHAIN_ID, hardfork: HARDFORK })
  const summary: ConformanceSummary = {
    passed: 0,
    failed: 0,
    skipped: 0,
    failures: [],
    notes,
    executors: executors.map((e) => e.name),
    files: 0,
    ms: 0,
  }
  const report = (line: string) => {
    summary.failures.push(line)
    onFailure?.(line)
  }
  for (const file of findFixtureFiles(dir)) {
    summary.files++
    let tests: ReturnType<typeof loadFixtureFile>
    try {
      tests = loadFixtureFile(file)
    } catch (err) {
      summary.failed++
      report(`${relative(dir, file) || file} block 0 load expected a BlockchainTest file got ${errorText(err)}`)
      continue
    }
    for (const [name, test] of tests) {
      if (test.network !== SUPPORTED_NETWORK) {
        summary.skipped++
        continue
      }
      let ok = true
      for (const executor of executors) {
        const tag = executors.length > 1 ? `${name} [${executor.name}]` : name
        let failures: Awaited<ReturnType<typeof runBlockchainTest>>
        try {
          failures = await runBlockchainTest({ common, executor, test })
        } catch (err) {
          failures = [{ block: 0, field: 'harness', expected: 'no error', got: errorText(err) }]
        }
        for (const f of failures) report(`${tag} block ${f.block} ${f.field} expected ${f.expected} got ${f.got}`)
        if (failures.length > 0) ok = false
      }
      if (ok) summary.passed++
      else summary.failed++
    }
  }
  summary.ms = performance.now() - started
  return summary
}

/** The final line: `N passed, N failed`, with `, N skipped` when tests were skipped. */
export function summaryLine(s: Pick<ConformanceSummary, 'passed' | 'failed' | 'skipped'>): string {
  return `${s.passed} passed, ${s.failed} failed${s.skipped > 0 ? `, ${s.skipped} skipped` : ''}`
}
