import { type ChildProcess, spawn } from 'node:child_process'
import type { Logger } from '../log/logger.ts'

/** Options of {@link spawnChild}. */
export type SpawnChildOptions = {
  cwd?: string
  env?: NodeJS.ProcessEnv
  log?: Logger
  /** how many of the last output lines (stdout and stderr together) `tail()` keeps */
  tailLines?: number
  /** called with every output line, e.g. to notice a readiness line */
  onLine?: (line: string) => void
}

/** A child process that stops with us. */
export type SpawnedChild = {
  pid: number | undefined
  /** resolves with the exit code (null when ended by a signal or never started) once its output is drained */
  exited: Promise<number | null>
  running(): boolean
  /** the last output lines, oldest first */
  tail(): string[]
  /** SIGTERM, wait up to `timeoutMs` (default 10 s), then SIGKILL; resolves once it has exited. Safe to call twice. */
  stop(opts?: { timeoutMs?: number }): Promise<void>
}

// Children still running when this process exits get SIGTERM, so a parent that crashes or calls process.exit() does
// not leave a devnet Anvil or Redis behind holding its port. SIGTERM rather than SIGKILL: Anvil still writes its
// --state file on the way out. One listener for all children, not one per child.
const live = new Set<ChildProcess>()
let exitHookInstalled = false
function killLiveChildren(): void {
  for (const child of live) child.kill('SIGTERM')
}

/**
 * Spawns a long-running helper binary as a plain child (not detached, not daemonized): its output is read line by
 * line into a small tail buffer (and the debug log), so a pipe never fills and a failed start can show why.
 */
export function spawnChild(bin: string, args: string[], opts: SpawnChildOptions = {}): SpawnedChild {
  const { log, onLine, tailLines = 40 } = opts
  const lines: string[] = []
  const push = (line: string) => {
    lines.push(line)
    if (lines.length > tailLines) lines.shift()
    log?.debug({ line }, 'output')
    onLine?.(line)
  }

  const child = spawn(bin, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let done = false
  live.add(child)
  if (!exitHookInstalled) {
    process.on('exit', killLiveChildren)
    exitHookInstalled = true
  }

  for (const stream of [child.stdout, child.stderr]) {
    let partial = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split(/\r?\n/)
      partial = parts.pop() ?? ''
      for (const p of parts) if (p.trim()) push(p)
    })
    stream.on('end', () => {
      if (partial.trim()) push(partial)
      partial = ''
    })
  }

  const exited = new Promise<number | null>((resolve) => {
    const finish = (code: number | null) => {
      if (done) return
      done = true
      live.delete(child)
      resolve(code)
    }
    // 'close' comes after the output is drained, so tail() is complete when `exited` resolves.
    child.on('close', (code) => finish(code))
    child.on('error', (err) => {
      push(`${err.name}: ${err.message}`)
      if (child.pid === undefined) finish(null)
    })
  })

  let stopping: Promise<void> | undefined
  const stop = ({ timeoutMs = 10_000 }: { timeoutMs?: number } = {}) => {
    stopping ??= (async () => {
      if (done) return
      child.kill('SIGTERM')
      let timer: NodeJS.Timeout | undefined
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), timeoutMs)
        }),
      ])
      clearTimeout(timer)
      if (timedOut) {
        log?.warn({ pid: child.pid, timeoutMs }, 'no exit after SIGTERM, sending SIGKILL')
        child.kill('SIGKILL')
        await exited
      }
    })()
    return stopping
  }

  return { pid: child.pid, exited, running: () => !done, tail: () => [...lines], stop }
}
