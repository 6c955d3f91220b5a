// npm run bench [-- --json] [--runs 3] [--warmup 1] [--workers 1,2] [--only eth-transfers] [--scale 0.1]
// Builds pre-signed blocks and runs each through the sequential executor and the parallel one with
// 1..N workers, timing all phases: decode + sender recovery, execution, state root, tx/receipt roots.
// Each mode first runs the block `--warmup` times untimed: the main thread's JIT is already warm from the
// setup blocks (which run the same contracts), a fresh worker pool's is not, and a node's workers live as
// long as the node.
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import type { TypedTransaction } from '@ethereumjs/tx'
import { createChainCommon } from '../core/chain/createChainCommon.ts'
import { createParallelExecutor, type ParallelExecutor } from '../executor/parallel.ts'
import { createSequentialExecutor } from '../executor/sequential.ts'
import { createWorldState, type WorldState } from '../executor/state/worldState.ts'
import { decodeTx } from '../executor/txCache.ts'
import type { BlockEnv } from '../executor/types.ts'
import { erc20Transfers, ethTransfers, mixed, uniswapSwaps, type Workload } from './workloads.ts'

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    workers: { type: 'string' },
    only: { type: 'string' },
    scale: { type: 'string', default: '1' },
  },
})
const cores = availableParallelism()
const workerCounts = values.workers
  ? values.workers.split(',').map(Number)
  : Array.from({ length: cores }, (_, i) => i + 1)
const runs = Number(values.runs)
const warmup = Number(values.warmup)
const scale = Number(values.scale)
const common = createChainCommon({ chainId: 901901 })
const log = (s: string) => {
  if (!values.json) process.stderr.write(`${s}\n`)
}

type Row = {
  workload: string
  txs: number
  mode: string
  txPerSec: number
  ms: number
  recoverMs: number
  workerRecoverMs: number
  executeMs: number
  stateRootMs: number
  rootsMs: number
  speedup?: number
  lanes?: number
  reExecutions?: number
  rootMatches: boolean
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function env(n: bigint, gasLimit: bigint): BlockEnv {
  return {
    number: n,
    timestamp: 1_800_000_000n + n,
    coinbase: '0x4200000000000000000000000000000000000011',
    gasLimit,
    baseFeePerGas: 1_000_000n,
    prevRandao: `0x${'33'.repeat(32)}`,
    parentHash: `0x${n.toString(16).padStart(64, '0')}`,
    parentBeaconBlockRoot: `0x${'00'.repeat(32)}`,
  }
}

async function prepared(w: Workload) {
  const world = createWorldState()
  world.applyDiff(w.genesis)
  const seq = await createSequentialExecutor({ common, blockHash: () => undefined })
  let n = 1n
  for (const txs of w.setup) {
    const r = await seq.executeBlock({ state: world, env: env(n++, 1_000_000_000n), txs, mode: 'build' })
    if (r.rejected.length)
      throw new Error(`setup of ${w.name} rejected ${r.rejected.length} txs: ${r.rejected[0].reason}`)
  }
  return { snapshot: world.snapshot(), number: n }
}

function decode(raws: Uint8Array[]): TypedTransaction[] {
  // Decoding only: sender recovery is part of executeBlock (spread over the workers in parallel mode).
  // The bytes are kept with each tx, as the node's pool keeps them (no re-encoding for hashes and roots).
  return raws.map((r) => decodeTx(r, common))
}

async function main() {
  const size = (n: number) => Math.max(20, Math.round(n * scale))
  const all: [string, () => Workload][] = [
    ['eth-transfers', () => ethTransfers(common, size(10_000))],
    ['erc20-transfers', () => erc20Transfers(common, size(10_000))],
    ['uniswap-one-pair', () => uniswapSwaps(common, size(2_000)).workload],
    ['mixed', () => mixed(common, size(10_000))],
  ]
  const rows: Row[] = []
  const pools = new Map<number, ParallelExecutor>()
  for (const [name, make] of all) {
    if (values.only && !values.only.split(',').includes(name)) continue
    log(`${name}: signing and setting up...`)
    const w = make()
    const { snapshot, number } = await prepared(w)
    const raws = w.block.map((t) => t.serialize())
    const gasLimit = w.block.reduce((s, t) => s + t.gasLimit, 0n)
    const fresh = (): WorldState => createWorldState(snapshot)
    let seqRoot = ''
    let seqMs = 0
    const modes: (number | 'sequential')[] = ['sequential', ...workerCounts]
    for (const mode of modes) {
      const samples: Row[] = []
      for (let r = -warmup; r < runs; r++) {
        const state = fresh()
        let exec: {
          executeBlock:
            | ParallelExecutor['executeBlock']
            | Awaited<ReturnType<typeof createSequentialExecutor>>['executeBlock']
        }
        if (mode === 'sequential') exec = await createSequentialExecutor({ common, blockHash: () => undefined })
        else {
          let p = pools.get(mode)
          if (!p)
            pools.set(
              mode,
              (p = await createParallelExecutor({
                common,
                blockHash: () => undefined,
                workers: mode,
                minParallelTxs: 1,
              })),
            )
          await p.prepare(state)
          exec = p
        }
        const t0 = performance.now()
        const txs = decode(raws)
        const t1 = performance.now()
        const res = await exec.executeBlock({ state, env: env(number, gasLimit), txs, mode: 'build' })
        const t2 = performance.now()
        if (res.rejected.length)
          throw new Error(`${name}/${mode}: ${res.rejected.length} txs rejected: ${res.rejected[0].reason}`)
        if (res.receipts.some((x) => x.status !== 1)) throw new Error(`${name}/${mode}: a tx failed`)
        const stats = (res as { stats?: { lanes: number; reExecutions: number; recoverMs?: number } }).stats
        if (process.env.BENCH_DEBUG && stats)
          log(JSON.stringify({ warmup: r < 0, ...stats, txLanes: undefined, reExecutedTxs: undefined }))
        if (r < 0) continue
        samples.push({
          workload: name,
          txs: raws.length,
          mode: mode === 'sequential' ? 'sequential' : `parallel x${mode}`,
          ms: t2 - t0,
          txPerSec: raws.length / ((t2 - t0) / 1000),
          recoverMs: t1 - t0,
          workerRecoverMs: stats?.recoverMs ?? 0,
          executeMs: res.timings?.executeMs ?? 0,
          stateRootMs: res.timings?.stateRootMs ?? 0,
          rootsMs: res.timings?.rootsMs ?? 0,
          lanes: stats?.lanes,
          reExecutions: stats?.reExecutions,
          rootMatches: mode === 'sequential' ? true : res.stateRoot === seqRoot,
        })
        if (mode === 'sequential') seqRoot = res.stateRoot
      }
      const pick = <K extends keyof Row>(k: K) => median(samples.map((s) => s[k] as number))
      const row: Row = {
        ...samples[0],
        ms: pick('ms'),
        txPerSec: pick('txPerSec'),
        recoverMs: pick('recoverMs'),
        workerRecoverMs: pick('workerRecoverMs'),
        executeMs: pick('executeMs'),
        stateRootMs: pick('stateRootMs'),
        rootsMs: pick('rootsMs'),
        rootMatches: samples.every((s) => s.rootMatches),
      }
      if (mode === 'sequential') seqMs = row.ms
      row.speedup = seqMs / row.ms
      rows.push(row)
      log(fmt(row))
    }
  }
  for (const p of pools.values()) await p.close()
  if (values.json) process.stdout.write(`${JSON.stringify({ cores, runs, warmup, rows }, null, 2)}\n`)
  else {
    process.stdout.write(`\ncores ${cores}, median of ${runs} runs after ${warmup} untimed\n`)
    process.stdout.write(`${header()}\n${rows.map(fmt).join('\n')}\n`)
  }
}

function header() {
  return '| workload | txs | mode | tx/s | total ms | decode | execute (incl. recovery) | of which recovery on workers | state root | tx+rcpt roots | speedup | lanes | re-exec | root = seq |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|'
}
function fmt(r: Row) {
  const f = (x: number) => x.toFixed(0)
  return `| ${r.workload} | ${r.txs} | ${r.mode} | ${f(r.txPerSec)} | ${f(r.ms)} | ${f(r.recoverMs)} | ${f(r.executeMs)} | ${f(r.workerRecoverMs)} | ${f(r.stateRootMs)} | ${f(r.rootsMs)} | ${(r.speedup ?? 1).toFixed(2)}x | ${r.lanes ?? '-'} | ${r.reExecutions ?? '-'} | ${r.rootMatches ? 'yes' : 'NO'} |`
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`)
  process.exit(1)
})
