// The sequencer as a child process (`node --import tsx sequencer/main.ts`), so that the harness can SIGKILL it at
// any moment and start it again on the same DATA_DIR and port. Its output is appended to one log file across
// restarts, with a marker line per start and per kill.

import { type ChildProcess, spawn } from 'node:child_process'
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { BaseError } from '../../core/errors/base.ts'
import { NODE_HEAP_FLAGS } from '../../core/threads/heap.ts'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The sequencer exited, or did not answer JSON-RPC in time, while starting. */
export class NodeStartError extends BaseError {
  override name = 'NodeStartError' as const
  constructor({ reason, logFile }: { reason: string; logFile: string }) {
    super(`the sequencer did not start: ${reason}`, { metaMessages: [`Its output is in ${logFile}.`] })
  }
}

/** A sequencer child process that can be killed and started again. */
export type NodeProcess = {
  url: string
  logFile: string
  pid(): number | undefined
  running(): boolean
  /** Starts it (it must not be running) and resolves once it answers `eth_chainId`. */
  start(): Promise<void>
  /** SIGKILL: no shutdown hook runs; resolves once the process is gone. */
  kill(): Promise<void>
  /** SIGTERM and wait (SIGKILL after `timeoutMs`, default 20 s). Safe when not running. */
  stop(timeoutMs?: number): Promise<void>
}

// Children still alive when the harness exits (a crash, Ctrl-C) are killed with it.
const live = new Set<ChildProcess>()
let hooked = false
function killLive(): void {
  for (const c of live) c.kill('SIGKILL')
}

/** Parameters of {@link createNodeProcess}. */
export type CreateNodeProcessParameters = {
  /** the node's environment on top of this process's (RPC_PORT, DATA_DIR, L1_RPC_URL, REDIS_URL, ...) */
  env: Record<string, string>
  /** the RPC address the env configures */
  url: string
  logFile: string
  startupTimeoutMs?: number
}

/** Describes (does not start) the sequencer child process. */
export function createNodeProcess({
  env,
  url,
  logFile,
  startupTimeoutMs = 90_000,
}: CreateNodeProcessParameters): NodeProcess {
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  if (!hooked) {
    process.once('exit', killLive)
    hooked = true
  }
  const note = (line: string) => appendFileSync(logFile, `\n[chaos ${new Date().toISOString()}] ${line}\n`)
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null

  return {
    url,
    logFile,
    pid: () => child?.pid,
    running,
    async start() {
      if (running()) throw new NodeStartError({ reason: 'it is already running', logFile })
      note('starting the sequencer')
      const fd = openSync(logFile, 'a')
      const c = spawn(process.execPath, [...NODE_HEAP_FLAGS, '--import', 'tsx', 'sequencer/main.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', fd, fd],
      })
      closeSync(fd)
      child = c
      live.add(c)
      exited = new Promise((resolve) =>
        c.once('exit', (code, signal) => {
          live.delete(c)
          note(`sequencer exited (code ${code}, signal ${signal})`)
          resolve()
        }),
      )
      const deadline = Date.now() + startupTimeoutMs
      while (Date.now() < deadline) {
        if (!running())
          throw new NodeStartError({ reason: `it exited (code ${c.exitCode}): ${lastError(logFile)}`, logFile })
        if (await answers(url)) return
        await new Promise((r) => setTimeout(r, 50))
      }
      c.kill('SIGKILL')
      throw new NodeStartError({ reason: `no JSON-RPC answer within ${startupTimeoutMs / 1000}s`, logFile })
    },
    async kill() {
      if (!running()) return
      note('SIGKILL')
      child!.kill('SIGKILL')
      await exited
    },
    async stop(timeoutMs = 20_000) {
      if (!running()) return
      child!.kill('SIGTERM')
      const timer = setTimeout(() => child?.kill('SIGKILL'), timeoutMs)
      await exited
      clearTimeout(timer)
    },
  }
}

/** The first line of the last `fatal:` the node wrote, if any. */
function lastError(logFile: string): string {
  const lines = readFileSync(logFile, 'utf8').slice(-20_000).split('\n')
  const i = lines.findLastIndex((l) => l.startsWith('fatal: '))
  return i === -1 ? 'no fatal line in its output' : lines[i]
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
      signal: AbortSignal.timeout(1_000),
    })
    return ((await res.json()) as { result?: string }).result !== undefined
  } catch {
    return false
  }
}
