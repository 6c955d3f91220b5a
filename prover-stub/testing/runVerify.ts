import { spawn } from 'node:child_process'
import { REPO_ROOT } from '../../test/e2e/harness.ts'

/** Runs `npm run verify`'s script as a child process, with no L1 settings from this environment. */
export function runVerify(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'prover-stub/verify.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, L1_RPC_URL: '', ROLLUP_ADDRESS: '', DEPLOYMENTS_FILE: '', LOG_LEVEL: 'warn' },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}
