// What a load run measures: our node started as a child process (exactly as the e2e harness does it,
// with a fresh DATA_DIR and no L1), a fresh Anvil in automine or --block-time 1 mode, or a URL that is
// already running. Every started target is fresh, so every run starts from genesis.

import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { BaseError } from '../../core/errors/base.ts'
import { NODE_HEAP_FLAGS } from '../../core/threads/heap.ts'
import {
  DEFAULT_CHAIN_ID,
  freePort,
  freshDataDir,
  REPO_ROOT,
  type RunningTarget,
  rpc,
  startAnvil,
  startNode,
  waitFor,
} from '../../test/e2e/harness.ts'

/** The targets a run can measure. */
export const targetNames = ['node', 'anvil-automine', 'anvil-1s', 'rpc'] as const
/** One of `targetNames`. */
export type TargetName = (typeof targetNames)[number]

/** A started node exited before it answered JSON-RPC. */
export class TargetExitedError extends BaseError {
  override name = 'TargetExitedError' as const
  constructor({ logs }: { logs: string }) {
    super('the profiled node exited before its JSON-RPC came up', { details: logs })
  }
}

/** A target ready for JSON-RPC; `stop` is a no-op for `rpc`. */
export type LoadTarget = {
  name: TargetName
  url: string
  /** where the node's CPU profiles go (`--profile`), if anywhere */
  profileDir?: string
  stop(): Promise<void>
}

/** Parameters of `startLoadTarget`. */
export type StartLoadTargetParameters = {
  /** the URL of an already running node (`rpc` only) */
  rpcUrl?: string
  /** the node's BLOCK_TIME_MS */
  blockTimeMs: number
  /** profile the node with --cpu-prof into a subfolder of this folder */
  profileDir?: string
  /** the run's number, for the profile subfolder */
  run: number
}

/** Starts (or, for `rpc`, just names) a target. */
export async function startLoadTarget(
  name: TargetName,
  { rpcUrl, blockTimeMs, profileDir, run }: StartLoadTargetParameters,
): Promise<LoadTarget> {
  if (name === 'rpc') return { name, url: rpcUrl!, stop: async () => {} }
  let started: RunningTarget
  if (name === 'node' && profileDir) {
    const dir = path.resolve(profileDir, `node-run${run}`)
    mkdirSync(dir, { recursive: true })
    const url = await startProfiledNode({ blockTimeMs, dir })
    return { name, url: url.url, profileDir: dir, stop: url.stop }
  }
  if (name === 'node') {
    started = await startNode({
      env: { BLOCK_TIME_MS: String(blockTimeMs), LOG_LEVEL: process.env.LOAD_NODE_LOG_LEVEL ?? 'warn' },
    })
  } else {
    started = await startAnvil({
      chainId: DEFAULT_CHAIN_ID,
      args: name === 'anvil-1s' ? ['--block-time', '1'] : [],
    })
  }
  return { name, url: started.url, stop: () => started.stop('SIGTERM') }
}

/**
 * Our node as `startNode` runs it, plus `--cpu-prof` (which NODE_OPTIONS may not carry). The node
 * writes one .cpuprofile per thread (main and each executor worker) when it exits; SIGTERM makes it
 * exit cleanly (sequencer/main.ts), so the profiles are complete.
 */
async function startProfiledNode({ blockTimeMs, dir }: { blockTimeMs: number; dir: string }) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env = {
    ...process.env,
    RPC_HOST: '127.0.0.1',
    RPC_PORT: String(port),
    DATA_DIR: freshDataDir('rollup-load-'),
    CHAIN_ID: String(DEFAULT_CHAIN_ID),
    BLOCK_TIME_MS: String(blockTimeMs),
    LOG_LEVEL: 'warn',
    ADMIN_PORT: '0',
  }
  const args = [...NODE_HEAP_FLAGS, '--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', 'sequencer/main.ts']
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let logs = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (logs = (logs + d).slice(-65_536)))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (logs = (logs + d).slice(-65_536)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  await waitFor(
    `the profiled node at ${url}`,
    async () => {
      if (child.exitCode !== null) throw new TargetExitedError({ logs })
      return await rpc(url, 'eth_chainId').catch(() => undefined)
    },
    60_000,
    100,
  )
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      // Writing the profiles takes a while on a busy machine; SIGKILL only after a minute.
      const timer = setTimeout(kill, 60_000)
      await exited
      clearTimeout(timer)
      process.off('exit', kill)
    },
  }
}
