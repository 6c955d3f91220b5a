// The final check of a chaos run: `npm run verify` (prover-stub/verify.ts) derives the whole L2 chain from L1 data
// alone, in a fresh directory, re-executing every batch; its head must be the sequencer's block of that number.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Hash } from 'viem'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** What `npm run verify` said. */
export type VerifyOutcome = {
  /** its exit status: 0 every output root matches */
  code: number | null
  /** the derived head, from its last line */
  head?: { number: bigint; hash: Hash }
  outputRoot?: Hash
  /** its last output lines (stdout and stderr) */
  tail: string
}

/** Runs `npm run verify -- --l1 <l1Url> --deployments <file>` as a child process and reads its verdict. */
export async function verifyFromL1({
  l1Url,
  deploymentsFile,
  timeoutMs = 300_000,
}: {
  l1Url: string
  deploymentsFile: string
  timeoutMs?: number
}): Promise<VerifyOutcome> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'prover-stub/verify.ts', '--l1', l1Url, '--deployments', deploymentsFile],
    {
      cwd: REPO_ROOT,
      // the chain parameters are the sequencer's defaults, as in this process; nothing else points elsewhere
      env: { ...process.env, L1_RPC_URL: '', ROLLUP_ADDRESS: '', DEPLOYMENTS_FILE: '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  const keep = (d: string) => {
    out = (out + d).slice(-20_000)
  }
  child.stdout.setEncoding('utf8').on('data', keep)
  child.stderr.setEncoding('utf8').on('data', keep)
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs)
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
  clearTimeout(timer)
  process.off('exit', kill)
  const m = /head (\d+) (0x[0-9a-f]{64}), output root (0x[0-9a-f]{64})/.exec(out)
  return {
    code,
    head: m ? { number: BigInt(m[1]), hash: m[2] as Hash } : undefined,
    outputRoot: m ? (m[3] as Hash) : undefined,
    tail: out.split('\n').slice(-8).join('\n'),
  }
}
