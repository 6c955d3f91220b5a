// Summarizes the node's --cpu-prof output (`--profile DIR`): self time per function and per area
// (JSON-RPC, intake, sender recovery, EVM, state root, SQLite, GC, ...), per thread. The main thread
// and the executor workers write one .cpuprofile each; the file name carries the thread id (0 = main).
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

type ProfileNode = {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
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
  areas: ProfileEntry[]
  functions: ProfileEntry[]
}

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

/** Self time by function and by area for one .cpuprofile. */
export function summarizeProfile(file: string, { top = 25 } = {}): ThreadProfile {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  // timeDeltas[i + 1] is the time spent in sample i (Chrome DevTools' attribution).
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt)
  }
  const areas = new Map<string, number>()
  const functions = new Map<string, number>()
  let active = 0
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame
    if (frame.functionName === '(idle)' || frame.functionName === '(root)') continue
    active += us
    const area = areaOf(frame)
    areas.set(area, (areas.get(area) ?? 0) + us)
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim()
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
    thread: tid === '0' ? 'main' : `worker ${tid}`,
    activeMs: active / 1000,
    areas: entries(areas, areas.size),
    functions: entries(functions, top),
  }
}

/** Every .cpuprofile under `dir` (one level of subfolders too), summarized, main thread first. */
export function summarizeProfiles(dir: string, opts: { top?: number } = {}): ThreadProfile[] {
  const files: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory())
      for (const f of readdirSync(p)) if (f.endsWith('.cpuprofile')) files.push(path.join(p, f))
    if (entry.isFile() && entry.name.endsWith('.cpuprofile')) files.push(p)
  }
  return files
    .map((f) => summarizeProfile(f, opts))
    .sort((a, b) => (a.thread === 'main' ? -1 : b.thread === 'main' ? 1 : a.file.localeCompare(b.file)))
}

/** The summaries as text: per thread, the areas and the top functions by self time. */
export function formatProfiles(threads: readonly ThreadProfile[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6)
  const out: string[] = []
  for (const t of threads) {
    out.push(`${t.thread} (${path.basename(t.file)}): ${Math.round(t.activeMs)} ms active`)
    out.push('  by area (self time):')
    for (const a of t.areas) out.push(`    ${pct(a.share)} ${Math.round(a.ms).toString().padStart(7)} ms  ${a.name}`)
    out.push('  top functions (self time):')
    for (const f of t.functions) out.push(`    ${pct(f.share)} ${Math.round(f.ms).toString().padStart(7)} ms  ${f.name}`)
  }
  return out.join('\n')
}
