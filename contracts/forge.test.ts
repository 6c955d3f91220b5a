// Runs the Solidity tests (contracts/test/*.t.sol) with `forge test --offline` and fails if any of them fails or
// if forge ran fewer tests than the files declare (a suite that stopped compiling or was skipped).
//
// forge compiles through contracts/tools/solc-forge.mjs (npm solc, set in foundry.toml). HOME and the build
// output go to a temp dir, so the run neither reads ~/.foundry nor races another forge run over contracts/out.
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { foundryBin } from '../test/e2e/harness.ts'
import { CONTRACTS_DIR } from './compile.ts'

type ForgeTestStatus = 'Success' | 'Failure' | 'Skipped'
type ForgeJson = Record<string, { test_results: Record<string, { status: ForgeTestStatus; reason: string | null }> }>

const scratch = mkdtempSync(path.join(tmpdir(), 'forge-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** `function test…(` in every test/*.t.sol: what forge should run (fuzz tests included). */
function declaredTests(): number {
  const dir = path.join(CONTRACTS_DIR, 'test')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.t.sol'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8').match(/\bfunction\s+test\w*\s*\(/g)?.length ?? 0)
    .reduce((a, b) => a + b, 0)
}

function runForgeTest(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const args = [
    'test',
    '--offline',
    '--json',
    '--fuzz-seed',
    '1',
    '--out',
    path.join(scratch, 'out'),
    '--cache-path',
    path.join(scratch, 'cache'),
  ]
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: scratch, NO_COLOR: '1', FOUNDRY_DISABLE_NIGHTLY_WARNING: '1' }
  delete env.FOUNDRY_PROFILE
  delete env.ETH_RPC_URL
  return new Promise((resolve) => {
    execFile(
      foundryBin('forge'),
      args,
      { cwd: CONTRACTS_DIR, env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

test('default: every forge test passes', { timeout: 300_000 }, async () => {
  const { code, stdout, stderr } = await runForgeTest()
  const jsonLine = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'))
  if (!jsonLine) throw new Error(`forge printed no JSON result (exit ${code})\n${stdout}\n${stderr}`)
  const suites = JSON.parse(jsonLine) as ForgeJson

  const results = Object.entries(suites).flatMap(([suite, s]) =>
    Object.entries(s.test_results).map(([name, r]) => ({ name: `${suite}::${name}`, ...r })),
  )
  const failed = results.filter((r) => r.status !== 'Success').map((r) => `${r.name}: ${r.status} ${r.reason ?? ''}`)
  expect(failed).toEqual([])
  expect(code, stderr).toBe(0)
  expect(results.length).toBe(declaredTests())
  expect(Object.keys(suites).sort()).toEqual([
    'test/DepositBridge.t.sol:DepositBridgeTest',
    'test/Rollup.t.sol:RollupTest',
  ])
})
