import { existsSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from '../log/logger.ts'
import { AnvilNotFoundError, AnvilStartError } from './errors.ts'
import { findOnPath, isExecutable } from './findOnPath.ts'
import { spawnChild } from './spawnChild.ts'
import { waitUntilReady } from './waitUntilReady.ts'

/** The mnemonic of Anvil's (and Hardhat's) ten funded dev accounts. */
export const TEST_MNEMONIC = 'test test test test test test test test test test test junk'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Options of {@link startAnvil}. */
export interface AnvilOptions {
  /** interface to listen on (default 127.0.0.1) */
  host?: string
  port: number
  chainId: number
  /** seconds per block; undefined = automine (a block per transaction) */
  blockTime?: number
  /**
   * Anvil's `--state`: loaded on start if the file exists, written on exit, so the L1 survives restarts. Anvil 1.7.1
   * writes it on SIGTERM and SIGINT (which is how `stop()` ends it) but not on SIGKILL or a crash; set
   * `stateInterval` too if those must not lose the chain.
   */
  stateFile?: string
  /** also write `stateFile` every this many seconds (`--state-interval`), so a SIGKILL loses at most that much */
  stateInterval?: number
  /** dev-account mnemonic (default {@link TEST_MNEMONIC}) */
  mnemonic?: string
  /** default 'prague' */
  hardfork?: string
  extraArgs?: string[]
  log?: Logger
  /** default 30 s */
  startupTimeoutMs?: number
}

/** An Anvil child process that answers JSON-RPC. */
export interface RunningAnvil {
  url: string
  wsUrl: string
  pid: number
  /** SIGTERM (Anvil then writes `stateFile`), wait for the exit, SIGKILL after 10 s. Safe to call twice. */
  stop(): Promise<void>
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<number | null>
}

/**
 * The Anvil binary: the native one from `@foundry-rs/anvil-<os>-<arch>` (no Node wrapper in between, so signals reach
 * Anvil itself), else `node_modules/.bin/anvil`, else `anvil` on PATH. Throws {@link AnvilNotFoundError}.
 */
export function anvilBinary(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch
  const exe = process.platform === 'win32' ? 'anvil.exe' : 'anvil'
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}/bin/${exe}`
  const tried: string[] = []
  try {
    const native = createRequire(import.meta.url).resolve(pkg)
    if (isExecutable(native)) return native
    tried.push(native)
  } catch {
    tried.push(`${pkg} (package not installed)`)
  }
  const dotBin = path.join(REPO_ROOT, 'node_modules', '.bin', exe)
  if (existsSync(dotBin)) return dotBin
  tried.push(dotBin)
  const onPath = findOnPath('anvil')
  if (onPath) return onPath
  tried.push('anvil on PATH')
  throw new AnvilNotFoundError({ tried })
}

/**
 * Starts Anvil as a child process and resolves once it answers `eth_chainId` with `chainId`. Throws
 * {@link AnvilStartError} with Anvil's last output lines when it exits first (port in use, bad state file) or does not
 * answer within `startupTimeoutMs`.
 */
export async function startAnvil(opts: AnvilOptions): Promise<RunningAnvil> {
  const { host = '127.0.0.1', port, chainId, startupTimeoutMs = 30_000 } = opts
  const log = opts.log?.child({ component: 'anvil' })
  const bin = anvilBinary()
  const args = [
    '--host',
    host,
    '--port',
    String(port),
    '--chain-id',
    String(chainId),
    '--hardfork',
    opts.hardfork ?? 'prague',
    '--mnemonic',
    opts.mnemonic ?? TEST_MNEMONIC,
  ]
  if (opts.blockTime !== undefined) args.push('--block-time', String(opts.blockTime))
  if (opts.stateFile) {
    mkdirSync(path.dirname(path.resolve(opts.stateFile)), { recursive: true })
    args.push('--state', opts.stateFile)
  }
  if (opts.stateInterval !== undefined) args.push('--state-interval', String(opts.stateInterval))
  args.push(...(opts.extraArgs ?? []))

  // Readiness needs Anvil's own "Listening on" line as well as an answer: when the port is taken by another Anvil,
  // that one would answer eth_chainId while ours is still dying of "Address already in use".
  const silent = args.includes('--silent')
  let listening = silent
  const child = spawnChild(bin, args, {
    log,
    onLine: (line) => {
      if (line.startsWith('Listening on ')) listening = true
    },
  })

  const connectHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  const hostPart = connectHost.includes(':') ? `[${connectHost}]` : connectHost
  const url = `http://${hostPart}:${port}`
  const wsUrl = `ws://${hostPart}:${port}`

  const outcome = await waitUntilReady(child, {
    timeoutMs: startupTimeoutMs,
    probe: async () => listening && (await queryChainId(url)) === chainId,
  })
  if (outcome.status !== 'ready') {
    await child.stop({ timeoutMs: 2_000 })
    throw new AnvilStartError({
      address: `${host}:${port}`,
      exitCode: outcome.status === 'exited' ? outcome.exitCode : undefined,
      timeoutMs: startupTimeoutMs,
      output: child.tail().slice(-15),
    })
  }
  log?.info({ url, pid: child.pid, chainId, blockTime: opts.blockTime, stateFile: opts.stateFile }, 'anvil started')
  return {
    url,
    wsUrl,
    pid: child.pid!,
    exited: child.exited,
    stop: async () => {
      await child.stop({ timeoutMs: 10_000 })
      log?.info({ pid: child.pid }, 'anvil stopped')
    },
  }
}

async function queryChainId(url: string): Promise<number | undefined> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    signal: AbortSignal.timeout(1_000),
  })
  const body = (await res.json()) as { result?: string }
  return body.result === undefined ? undefined : Number(body.result)
}
