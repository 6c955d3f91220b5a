// Summarizes the node's --cpu-prof output (`--profile DIR`): self time per function and per area
// (JSON-RPC, intake, sender recovery, EVM, state root, SQLite, GC, ...), per thread. Every thread
// writes one .cpuprofile (the main thread, each executor worker, and the module-loader threads tsx
// registers); the file name carries the thread id (0 = main). Under tsx, every function of a .ts
// file reports line 1 (the profile holds no source maps): the function name is what tells them apart.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

type ProfileNode = {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** Self time of one function or area. */
export type ProfileEntry = { name: string; ms: number; share: number }

/** One thread's profile, summarized. */
export type ThreadProfile = {
  file: string
  thread: string
  /** sampled time that was not idle, ms */
  activeMs: number
  /** inclusive: what the thread was doing, from the call stack (intake, block production, reads, ...) */
  phases: ProfileEntry[]
  /** self time by library / folder */
  areas: ProfileEntry[]
  functions: ProfileEntry[]
}

type Frame = ProfileNode['callFrame']
const has = (stack: readonly Frame[], fn: string, url?: RegExp) =>
  stack.some((f) => f.functionName === fn && (!url || url.test(f.url)))
const hasUrl = (stack: readonly Frame[], url: RegExp) => stack.some((f) => url.test(f.url))

/** The node's phases, told apart by a function on the stack (leaf first); the first matching rule wins. */
const PHASES: [(stack: readonly Frame[]) => boolean, string][] = [
  [(s) => s[0].functionName === '(garbage collector)', 'GC'],
  [(s) => s[0].functionName === '(program)', 'V8 (program: compiler, runtime, native)'],
  // An async function resumes on a stack of its own (runMicrotasks at the root): the block's phases
  // are recognized by their own functions, not by produceBlock above them.
  [(s) => has(s, 'applyDiff', /worldState/), 'block: state root (apply diff, re-hash)'],
  [(s) => has(s, 'blockRoots'), 'block: tx + receipt roots'],
  [
    (s) => hasUrl(s, /\/executor\/parallel\/vmWorker/) && has(s, 'applyDiff'),
    'worker: advance its replica (apply diff)',
  ],
  // A full block is written from inside the next block's executeBlock (its `onDispatched`): the producer's
  // `persist` is told apart before the executor rule below.
  [(s) => has(s, 'persist') && has(s, 'sqliteTransaction'), 'block: persist (one SQLite transaction)'],
  [(s) => has(s, 'persist'), 'block: other (pool select/remove, events)'],
  [
    (s) => has(s, 'executeBlock') || hasUrl(s, /@ethereumjs\/(vm|evm)\/|\/executor\/parallel\/vmWorker/),
    'block: execute txs (executor, EVM; workers: their lanes)',
  ],
  [(s) => has(s, 'sealBlock'), 'block: seal (header, JSON shapes)'],
  [(s) => has(s, 'buildBlock') && has(s, 'sqliteTransaction'), 'block: persist (one SQLite transaction)'],
  [(s) => has(s, 'buildBlock') || hasUrl(s, /createBlockProducer/), 'block: other (pool select/remove, events)'],
  [(s) => has(s, 'submitRawTransaction') && has(s, 'ecrecover'), 'intake: sender recovery (ecrecover)'],
  [(s) => has(s, 'submitRawTransaction') && has(s, 'decodeRawTransaction'), 'intake: decode, hash, checks'],
  [(s) => has(s, 'submitRawTransaction'), 'intake: pool rules'],
  [(s) => hasUrl(s, /mempoolStore/), 'intake: durable pool insert (group commit)'],
  [(s) => hasUrl(s, /\/rpc\/methods\/txMethods/), 'intake: other'],
  [(s) => hasUrl(s, /\/rpc\/methods\//), 'JSON-RPC read methods (receipts, head, balances, ...)'],
  [(s) => hasUrl(s, /\/sequencer\/rpc\//), 'JSON-RPC dispatch (parse, validate, serialize)'],
  [
    (s) =>
      hasUrl(
        s,
        /node_modules\/(express|body-parser|raw-body|router|finalhandler|send|cors)|^node:(_http|net|http)|^node:internal\/(http|_http|stream|net)/,
      ),
    'HTTP server (express, node:http)',
  ],
  [(s) => hasUrl(s, /\/executor\//), 'executor: other (worker messages, overlays)'],
]

/** Where a frame's self time is counted; the first matching rule wins. */
const AREAS: [RegExp, string][] = [
  [/@ethereumjs\/evm\//, 'EVM interpreter (@ethereumjs/evm)'],
  [/@ethereumjs\/vm\//, 'runTx (@ethereumjs/vm)'],
  [/@ethereumjs\/tx\//, 'tx objects: decode, hash, sender (@ethereumjs/tx)'],
  [/@ethereumjs\/rlp\//, 'RLP (@ethereumjs/rlp)'],
  [/@ethereumjs\/(util|common)\//, '@ethereumjs/util + common'],
  [/@noble\/|ethereum-cryptography/, 'JS crypto (@noble: keccak, secp256k1)'],
  [/node_modules\/(secp256k1|keccak)\//, 'native crypto bindings (secp256k1, keccak)'],
  [/better-sqlite3/, 'SQLite (better-sqlite3)'],
  [/\/core\/storage\//, 'SQLite stores (core/storage)'],
  [/\/core\/trie\//, 'tries, state root (core/trie)'],
  [/\/core\/(chain|crypto)\//, 'headers, hashing (core/chain, core/crypto)'],
  [/\/executor\/state\//, 'overlay / world state (executor/state)'],
  [/\/executor\//, 'executor (ours)'],
  [/\/sequencer\/rpc\//, 'JSON-RPC dispatch and methods'],
  [/\/sequencer\/mempool\//, 'intake and mempool'],
  [/\/sequencer\/block\//, 'block producer and seal'],
  [/\/sequencer\//, 'sequencer (other)'],
  [/node_modules\/(express|body-parser|raw-body|router|finalhandler|send|cors|on-finished|iconv-lite)/, 'express'],
  [/node_modules\/ws\//, 'WebSocket (ws)'],
  [/node_modules\/(pino|sonic-boom|thread-stream)/, 'logging (pino)'],
  [/node_modules\/viem\//, 'viem'],
  [/node_modules\/zod\//, 'zod'],
  [/node_modules\/(tsx|esbuild)\//, 'tsx loader'],
  [/^node:internal\/(http|_http|streams|net|stream_base|dns)|^node:(http|net|_http)/, 'Node HTTP / streams'],
  [/^node:/, 'Node internals (other)'],
]

function areaOf(frame: ProfileNode['callFrame']): string {
  const { functionName, url } = frame
  if (functionName === '(garbage collector)') return 'GC'
  if (functionName === '(program)') return 'V8 (program: compiler, runtime, native)'
  if (url === '') {
    if (/^(parse|stringify)$/.test(functionName)) return 'JSON.parse / JSON.stringify'
    return 'builtins (no script)'
  }
  for (const [re, name] of AREAS) if (re.test(url)) return name
  return `other (${path.basename(url)})`
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length)
  const repo = url.indexOf('/main/')
  return repo >= 0 ? url.slice(repo + '/main/'.length) : url.replace(/^file:\/\//, '')
}

/** Options of `summarizeProfile`. */
export type SummarizeProfileOptions = {
  /** functions to list (default 25) */
  top?: number
  /**
   * Only samples inside this window, in microseconds of the monotonic clock (`process.hrtime` / 1000):
   * V8 stamps profile samples with the same clock, so the load process can cut the node's profile
   * to the measured phase and leave out startup, setup and the final balance checks.
   */
  windowUs?: readonly [number, number]
}

/** Self time by function and by area for one .cpuprofile. */
export function summarizeProfile(file: string, { top = 25, windowUs }: SummarizeProfileOptions = {}): ThreadProfile {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  // timeDeltas[i] leads up to sample i; timeDeltas[i + 1] is the time spent in it (DevTools' attribution).
  let t = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0
    if (windowUs && (t < windowUs[0] || t > windowUs[1])) continue
    const dt = profile.timeDeltas[i + 1] ?? 0
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt)
  }
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const stackOf = (id: number): Frame[] => {
    const out: Frame[] = []
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) out.push(byId.get(at)!.callFrame)
    return out
  }
  const phases = new Map<string, number>()
  const areas = new Map<string, number>()
  const functions = new Map<string, number>()
  let active = 0
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame
    if (frame.functionName === '(idle)' || frame.functionName === '(root)') continue
    active += us
    const stack = stackOf(id)
    const phase = PHASES.find(([test]) => test(stack))?.[1] ?? 'other (event loop, timers, loaders)'
    phases.set(phase, (phases.get(phase) ?? 0) + us)
    const area = areaOf(frame)
    areas.set(area, (areas.get(area) ?? 0) + us)
    const fn =
      `${frame.functionName || '(anonymous)'} ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim()
    functions.set(fn, (functions.get(fn) ?? 0) + us)
  }
  const entries = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, share: active ? us / active : 0 }))
  // CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile
  const tid = path.basename(file).split('.').at(-3)
  return {
    file,
    thread: tid === '0' ? 'main' : `thread ${tid}`,
    activeMs: active / 1000,
    phases: entries(phases, phases.size),
    areas: entries(areas, areas.size),
    functions: entries(functions, top),
  }
}

/** Every .cpuprofile under `dir` (one level of subfolders too), summarized, main thread first. */
export function summarizeProfiles(dir: string, opts: SummarizeProfileOptions = {}): ThreadProfile[] {
  const files: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) for (const f of readdirSync(p)) if (f.endsWith('.cpuprofile')) files.push(path.join(p, f))
    if (entry.isFile() && entry.name.endsWith('.cpuprofile')) files.push(p)
  }
  return files
    .map((f) => summarizeProfile(f, opts))
    .sort((a, b) => (a.thread === 'main' ? -1 : b.thread === 'main' ? 1 : a.file.localeCompare(b.file)))
}

/** The summaries as text: per thread, the areas and the top functions by self time. */
export function formatProfiles(threads: readonly ThreadProfile[], { minMs = 20 } = {}): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6)
  const out: string[] = []
  const quiet = threads.filter((t) => t.activeMs < minMs)
  for (const t of threads) {
    if (t.activeMs < minMs) continue
    out.push(`${t.thread} (${path.basename(t.file)}): ${Math.round(t.activeMs)} ms active`)
    out.push('  by phase (inclusive, from the call stack):')
    for (const ph of t.phases)
      out.push(`    ${pct(ph.share)} ${Math.round(ph.ms).toString().padStart(7)} ms  ${ph.name}`)
    out.push('  by area (self time):')
    const shown = t.areas.filter((a) => a.share >= 0.005)
    for (const a of shown) out.push(`    ${pct(a.share)} ${Math.round(a.ms).toString().padStart(7)} ms  ${a.name}`)
    const rest = t.areas.slice(shown.length)
    if (rest.length)
      out.push(
        `    ${pct(rest.reduce((x, a) => x + a.share, 0))} ${'-'.padStart(7)}     ${rest.length} more areas under 0.5%`,
      )
    out.push('  top functions (self time):')
    for (const f of t.functions)
      out.push(`    ${pct(f.share)} ${Math.round(f.ms).toString().padStart(7)} ms  ${f.name}`)
  }
  if (quiet.length) out.push(`${quiet.map((t) => t.thread).join(', ')}: under ${minMs} ms active each (not shown)`)
  return out.join('\n')
}
