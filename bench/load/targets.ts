// What a load run measures: our node started as a child process (exactly as the e2e harness does it,
// with a fresh DATA_DIR and no L1), a fresh Anvil in automine or --block-time 1 mode, or a URL that is
// already running. Every started target is fresh, so every run starts from genesis.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { DEFAULT_CHAIN_ID, type RunningTarget, startAnvil, startNode } from '../../test/e2e/harness.ts'

/** The targets a run can measure. */
export const targetNames = ['node', 'anvil-automine', 'anvil-1s', 'rpc'] as const
/** One of `targetNames`. */
export type TargetName = (typeof targetNames)[number]

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
  let dir: string | undefined
  if (name === 'node') {
    const env: Record<string, string> = { BLOCK_TIME_MS: String(blockTimeMs), LOG_LEVEL: 'warn' }
    if (profileDir) {
      dir = path.resolve(profileDir, `node-run${run}`)
      mkdirSync(dir, { recursive: true })
      // The node writes one .cpuprofile per thread (main and each executor worker) when it exits;
      // SIGTERM makes it exit cleanly (sequencer/main.ts), so the profiles are complete.
      env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${dir}`.trim()
    }
    started = await startNode({ env })
  } else {
    started = await startAnvil({
      chainId: DEFAULT_CHAIN_ID,
      args: name === 'anvil-1s' ? ['--block-time', '1'] : [],
    })
  }
  return { name, url: started.url, profileDir: dir, stop: () => started.stop('SIGTERM') }
}
