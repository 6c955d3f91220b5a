// End-to-end harness: starts our sequencer node (or Anvil) as a child process on a free port,
// waits for JSON-RPC, and tears it down at the end.
//
//   const t = await startTarget()           // E2E_TARGET=node (default) | anvil
//   afterAll(() => t.stop())
//   t.url / t.wsUrl / t.chainId / t.dataDir / t.restart() / t.logs()
//
// Env knobs:
//   E2E_TARGET=node|anvil   which chain the tests talk to (default node)
//   E2E_RPC_LOG=<file>      put a recording JSON-RPC proxy (HTTP + WS) in front of the target and append one JSON
//                           line per call: {"client":"viem","transport":"http","method":"eth_call"}
//   E2E_RPC_DENY=m1,m2      (same proxy) answer these methods with -32601 "method not found", to prove clients
//                           fall back when the node lacks them (e.g. eth_fillTransaction,eth_getAccountInfo)
//   E2E_KEEP_DATA=1         keep the temporary data dirs
//   E2E_NODE_LOGS=1         echo the node's stdout/stderr live

import { type ChildProcess, spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineChain, type Hex, toHex } from 'viem'
import { mnemonicToAccount, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts'
import { WebSocket, WebSocketServer } from 'ws'
import { NODE_HEAP_FLAGS } from '../../core/threads/heap.ts'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const CONTRACTS_DIR = path.join(REPO_ROOT, 'contracts')
export const SOLC_FORGE = path.join(CONTRACTS_DIR, 'tools', 'solc-forge.mjs')

export const DEFAULT_CHAIN_ID = 901901
export const ANVIL_DEFAULT_CHAIN_ID = 31337
export const MNEMONIC = 'test test test test test test test test test test test junk'

export type TargetKind = 'node' | 'anvil'

export interface DevAccount {
  index: number
  address: Hex
  privateKey: Hex
  account: PrivateKeyAccount
}

/** The ten dev accounts of the shared mnemonic (Anvil's defaults; our node's genesis allocs). */
export const devAccounts: DevAccount[] = Array.from({ length: 10 }, (_, index) => {
  const hd = mnemonicToAccount(MNEMONIC, { addressIndex: index })
  const privateKey = toHex(hd.getHdKey().privateKey!)
  const account = privateKeyToAccount(privateKey)
  return { index, address: account.address, privateKey, account }
})

export interface RunningTarget {
  kind: TargetKind
  url: string
  wsUrl: string
  dataDir: string
  chainId: number
  /** the child's pid (changes on restart) */
  pid(): number | undefined
  /** stop the child; SIGTERM waits for a graceful exit (SIGKILL after 10s). Safe to call twice. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>
  /** stop (SIGTERM) if running and start again on the same port and data dir */
  restart(): Promise<void>
  /** collected stdout+stderr of the child (last ~256 KiB) */
  logs(): string
}

export interface StartOptions {
  chainId?: number
  port?: number
  dataDir?: string
  env?: Record<string, string>
  /** extra CLI args (anvil) */
  args?: string[]
  startupTimeoutMs?: number
  /** label for E2E_RPC_LOG lines (defaults to the test file name when known) */
  client?: string
  /** force/disable the recording proxy regardless of E2E_RPC_LOG */
  rpcLog?: string | false
  /** methods the proxy answers with -32601 (default: E2E_RPC_DENY, comma-separated) */
  rpcDeny?: string[]
}

// ---------------------------------------------------------------------------------------------------------------
// process bookkeeping: never leave a child behind

const liveChildren = new Set<ChildProcess>()
const tempDirs = new Set<string>()
const closers = new Set<() => void>()
let exitHooksInstalled = false

function installExitHooks() {
  if (exitHooksInstalled) return
  exitHooksInstalled = true
  const killAll = () => {
    for (const c of liveChildren) {
      try {
        c.kill('SIGKILL')
      } catch {
        // already gone
      }
    }
    liveChildren.clear()
    for (const close of closers) close()
    if (process.env.E2E_KEEP_DATA !== '1') {
      for (const d of tempDirs) rmSync(d, { recursive: true, force: true })
    }
  }
  process.once('exit', killAll)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      killAll()
      process.off(sig, handler)
      process.kill(process.pid, sig)
    }
    process.on(sig, handler)
  }
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createNetServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export function freshDataDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One JSON-RPC request over HTTP; throws on transport or JSON-RPC error. */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await res.json()) as { result?: T; error?: { code: number; message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.code} ${body.error.message}`)
  return body.result as T
}

interface ManagedProcess {
  child: ChildProcess
  exited: Promise<number | null>
}

class LogBuffer {
  private chunks: string[] = []
  private size = 0
  constructor(
    private readonly max = 256 * 1024,
    private readonly echo = false,
  ) {}
  push(s: string) {
    if (this.echo) process.stderr.write(s)
    this.chunks.push(s)
    this.size += s.length
    while (this.size > this.max && this.chunks.length > 1) this.size -= this.chunks.shift()!.length
  }
  toString() {
    return this.chunks.join('')
  }
}

function launch(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, logs: LogBuffer): ManagedProcess {
  installExitHooks()
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  liveChildren.add(child)
  child.stdout?.setEncoding('utf8').on('data', (d: string) => logs.push(d))
  child.stderr?.setEncoding('utf8').on('data', (d: string) => logs.push(d))
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child)
      logs.push(`\n[harness] ${path.basename(cmd)} exited code=${code} signal=${signal}\n`)
      resolve(code)
    })
    child.once('error', (err) => {
      liveChildren.delete(child)
      logs.push(`\n[harness] spawn error: ${err.message}\n`)
      resolve(null)
    })
  })
  return { child, exited }
}

async function waitForRpc(url: string, proc: ManagedProcess, timeoutMs: number, logs: LogBuffer): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let exited = false
  proc.exited.then(() => {
    exited = true
  })
  let lastErr: unknown
  while (Date.now() < deadline) {
    if (exited) throw new Error(`target exited before RPC came up. Logs:\n${logs.toString()}`)
    try {
      const id = await rpc<string>(url, 'eth_chainId')
      return Number(BigInt(id))
    } catch (e) {
      lastErr = e
    }
    await sleep(100)
  }
  throw new Error(`RPC at ${url} not ready after ${timeoutMs}ms (${String(lastErr)}). Logs:\n${logs.toString()}`)
}

async function stopProcess(proc: ManagedProcess | undefined, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return
  proc.child.kill(signal)
  const timeout = sleep(10_000).then(() => 'timeout' as const)
  if ((await Promise.race([proc.exited, timeout])) === 'timeout') {
    proc.child.kill('SIGKILL')
    await proc.exited
  }
}

function makeTarget(
  kind: TargetKind,
  spawnIt: () => ManagedProcess,
  info: { url: string; wsUrl: string; dataDir: string; chainId: number },
  logs: LogBuffer,
  timeoutMs: number,
): { target: RunningTarget; ready: Promise<void> } {
  let proc: ManagedProcess | undefined
  const start = async () => {
    proc = spawnIt()
    const got = await waitForRpc(info.url, proc, timeoutMs, logs)
    if (got !== info.chainId) {
      await stopProcess(proc, 'SIGKILL')
      throw new Error(`${kind}: eth_chainId is ${got}, expected ${info.chainId}`)
    }
  }
  const target: RunningTarget = {
    kind,
    ...info,
    pid: () => proc?.child.pid,
    stop: (signal = 'SIGTERM') => stopProcess(proc, signal),
    restart: async () => {
      await stopProcess(proc, 'SIGTERM')
      await start()
    },
    logs: () => logs.toString(),
  }
  return {
    target,
    ready: start().catch(async (e) => {
      await stopProcess(proc, 'SIGKILL')
      throw e
    }),
  }
}

// ---------------------------------------------------------------------------------------------------------------
// our node

export async function startNode(opts: StartOptions = {}): Promise<RunningTarget> {
  const port = opts.port ?? (await freePort())
  const dataDir = opts.dataDir ?? freshDataDir('rollup-e2e-')
  const chainId = opts.chainId ?? DEFAULT_CHAIN_ID
  const logs = new LogBuffer(256 * 1024, process.env.E2E_NODE_LOGS === '1')
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RPC_HOST: '127.0.0.1',
    RPC_PORT: String(port),
    DATA_DIR: dataDir,
    CHAIN_ID: String(chainId),
    BLOCK_TIME_MS: '100',
    LOG_LEVEL: 'warn',
    // Test nodes never take the admin port of a devnet a developer has running (any free port).
    ADMIN_PORT: '0',
    ...opts.env,
  }
  const { target, ready } = makeTarget(
    'node',
    () => launch(process.execPath, [...NODE_HEAP_FLAGS, '--import', 'tsx', 'sequencer/main.ts'], env, REPO_ROOT, logs),
    { url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`, dataDir, chainId },
    logs,
    opts.startupTimeoutMs ?? 60_000,
  )
  await ready
  return await maybeRecord(target, opts)
}

// ---------------------------------------------------------------------------------------------------------------
// anvil

const require = createRequire(import.meta.url)

/** Path of a Foundry binary: the native one from @foundry-rs/<tool>-<os>-<arch>, else the node_modules/.bin shim. */
export function foundryBin(tool: 'forge' | 'cast' | 'anvil'): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch
  const os = process.platform === 'win32' ? 'win32' : process.platform
  try {
    const p = require.resolve(`@foundry-rs/${tool}-${os}-${arch}/bin/${tool}`)
    if (existsSync(p)) return p
  } catch {
    // fall through
  }
  return path.join(REPO_ROOT, 'node_modules', '.bin', tool)
}

export async function startAnvil(opts: StartOptions = {}): Promise<RunningTarget> {
  const port = opts.port ?? (await freePort())
  const dataDir = opts.dataDir ?? freshDataDir('anvil-e2e-')
  const chainId = opts.chainId ?? DEFAULT_CHAIN_ID
  const logs = new LogBuffer()
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--chain-id',
    String(chainId),
    '--hardfork',
    'prague',
    '--mnemonic',
    MNEMONIC,
    '--accounts',
    '10',
    // state survives restart() like the node's DATA_DIR
    '--state',
    path.join(dataDir, 'anvil-state.json'),
    '--silent',
    ...(opts.args ?? []),
  ]
  const { target, ready } = makeTarget(
    'anvil',
    () => launch(foundryBin('anvil'), args, { ...process.env, ...opts.env }, dataDir, logs),
    { url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`, dataDir, chainId },
    logs,
    opts.startupTimeoutMs ?? 30_000,
  )
  await ready
  return await maybeRecord(target, opts)
}

export function targetKind(): TargetKind {
  const k = (process.env.E2E_TARGET ?? 'node').toLowerCase()
  if (k !== 'node' && k !== 'anvil') throw new Error(`E2E_TARGET must be node or anvil, got ${k}`)
  return k
}

/** Start whatever E2E_TARGET selects (default: our node). */
export async function startTarget(opts: StartOptions = {}): Promise<RunningTarget> {
  return targetKind() === 'anvil' ? await startAnvil(opts) : await startNode(opts)
}

// ---------------------------------------------------------------------------------------------------------------
// recording JSON-RPC proxy (HTTP + WebSocket on one port), used when E2E_RPC_LOG is set

export interface RpcRecorder {
  url: string
  wsUrl: string
  /** method → number of calls seen */
  counts: Map<string, number>
  close(): Promise<void>
}

interface RpcMessage {
  jsonrpc?: string
  id?: unknown
  method?: unknown
  params?: unknown
}

function methodName(m: RpcMessage): string | undefined {
  if (typeof m.method !== 'string') return undefined
  if (m.method === 'eth_subscribe' && Array.isArray(m.params)) return `eth_subscribe(${String(m.params[0])})`
  return m.method
}

/** Parameters, abbreviated: long hex blobs become `0x<N bytes>`, the whole thing capped at 300 chars. */
function abbreviateParams(params: unknown): string {
  const s = JSON.stringify(params ?? [], (_k, v) =>
    typeof v === 'string' && /^0x[0-9a-fA-F]{130,}$/.test(v) ? `0x<${(v.length - 2) / 2} bytes>` : v,
  )
  return s.length > 300 ? `${s.slice(0, 300)}…` : s
}

/**
 * A JSON-RPC proxy (HTTP + WebSocket on one port) in front of `upstream`. Records every method to `file`
 * (JSON lines) and answers the methods in `deny` with -32601 "method not found", to check that clients
 * cope with a node that lacks them (e.g. eth_fillTransaction, eth_getAccountInfo).
 */
export async function startRpcRecorder(
  upstream: { url: string; wsUrl: string },
  opts: { client: string; file?: string; deny?: string[] },
): Promise<RpcRecorder> {
  const counts = new Map<string, number>()
  const deny = new Set(opts.deny ?? [])
  const record = (transport: 'http' | 'ws', body: unknown) => {
    const batch = Array.isArray(body) ? body.length : undefined
    for (const m of Array.isArray(body) ? body : [body]) {
      if (!m || typeof m !== 'object') continue
      const method = methodName(m as RpcMessage)
      if (!method) continue
      counts.set(method, (counts.get(method) ?? 0) + 1)
      if (opts.file) {
        const line = {
          client: opts.client,
          transport,
          method,
          batch,
          denied: deny.has(method) || undefined,
          params: abbreviateParams((m as RpcMessage).params),
        }
        appendFileSync(opts.file, `${JSON.stringify(line)}\n`)
      }
    }
  }
  const denial = (m: RpcMessage) => ({
    jsonrpc: '2.0',
    id: m.id ?? null,
    error: { code: -32601, message: `the method ${String(m.method)} does not exist/is not available` },
  })
  /** split a request into (denied responses, what still goes upstream) */
  const split = (body: unknown): { denied: object[]; forward: unknown } => {
    if (deny.size === 0) return { denied: [], forward: body }
    if (Array.isArray(body)) {
      const denied = body.filter((m) => deny.has(String((m as RpcMessage)?.method))).map(denial)
      const rest = body.filter((m) => !deny.has(String((m as RpcMessage)?.method)))
      return { denied, forward: rest.length ? rest : undefined }
    }
    if (body && typeof body === 'object' && deny.has(String((body as RpcMessage).method))) {
      return { denied: [denial(body as RpcMessage)], forward: undefined }
    }
    return { denied: [], forward: body }
  }

  const server = createHttpServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    let body: unknown
    try {
      body = JSON.parse(raw)
    } catch {
      body = undefined
    }
    record('http', body)
    const { denied, forward } = body === undefined ? { denied: [], forward: undefined } : split(body)
    try {
      if (body !== undefined && denied.length > 0) {
        let upstreamResults: unknown[] = []
        if (forward !== undefined) {
          const up = await fetch(upstream.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(forward),
          })
          const parsed = (await up.json()) as unknown
          upstreamResults = Array.isArray(parsed) ? parsed : [parsed]
        }
        const out = Array.isArray(body) ? [...upstreamResults, ...denied] : denied[0]
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(out))
        return
      }
      const up = await fetch(upstream.url, {
        method: req.method ?? 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : raw,
      })
      const text = await up.text()
      res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' })
      res.end(text)
    } catch (e) {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(String(e))
    }
  })
  const wss = new WebSocketServer({ server })
  wss.on('connection', (client) => {
    const up = new WebSocket(upstream.wsUrl)
    const pending: string[] = []
    up.on('open', () => {
      for (const m of pending.splice(0)) up.send(m)
    })
    up.on('message', (data) => {
      if (client.readyState === WebSocket.OPEN) client.send(data.toString())
    })
    up.on('close', () => client.close())
    up.on('error', () => client.close())
    client.on('message', (data) => {
      const s = data.toString()
      let body: unknown
      try {
        body = JSON.parse(s)
      } catch {
        body = undefined
      }
      record('ws', body)
      let toSend = s
      if (body !== undefined) {
        const { denied, forward } = split(body)
        for (const d of denied) client.send(JSON.stringify(d))
        if (forward === undefined) return
        toSend = JSON.stringify(forward)
      }
      if (up.readyState === WebSocket.OPEN) up.send(toSend)
      else pending.push(toSend)
    })
    client.on('close', () => up.close())
    client.on('error', () => up.close())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  server.unref()
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  const close = () =>
    new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate()
      wss.close()
      server.closeAllConnections()
      server.close(() => resolve())
    })
  const syncClose = () => {
    server.closeAllConnections()
    server.close()
  }
  closers.add(syncClose)
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    counts,
    close: async () => {
      closers.delete(syncClose)
      await close()
    },
  }
}

function callerTestFile(): string {
  const stack = new Error().stack ?? ''
  const m = /([\w.-]+)\.test\.ts/.exec(stack)
  return m ? m[1] : 'unknown'
}

async function maybeRecord(target: RunningTarget, opts: StartOptions): Promise<RunningTarget> {
  const file = opts.rpcLog === false ? undefined : (opts.rpcLog ?? process.env.E2E_RPC_LOG)
  const deny = (opts.rpcDeny ?? process.env.E2E_RPC_DENY?.split(',') ?? []).map((m) => m.trim()).filter(Boolean)
  if (!file && deny.length === 0) return target
  const recorder = await startRpcRecorder(target, {
    client: opts.client ?? callerTestFile(),
    file: file ? path.resolve(file) : undefined,
    deny,
  })
  // the proxy stays up across restart(); it is closed at process exit
  return { ...target, url: recorder.url, wsUrl: recorder.wsUrl }
}

// ---------------------------------------------------------------------------------------------------------------
// small shared helpers for the tests

/** A viem chain definition for a running target. */
export function chainOf(t: Pick<RunningTarget, 'url' | 'wsUrl' | 'chainId'>) {
  return defineChain({
    id: t.chainId,
    name: `e2e-${t.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [t.url], webSocket: [t.wsUrl] } },
  })
}

/** Resolve once `check` returns a truthy value; throws after timeoutMs with `what` in the message. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`)
    await sleep(intervalMs)
  }
}
