import { createParallelExecutor, type ParallelExecutor } from '../parallel.ts'
import { createSequentialExecutor, type ExecuteBlockParameters, type SequentialExecutorDeps } from '../sequential.ts'
import type { ExecuteBlockResult } from '../types.ts'

/**
 * What every block executor offers: the sequential executor's interface, which the parallel one must
 * match (`close` releases what it holds, e.g. a worker pool; the harness calls it after each test).
 */
export type BlockExecutor = {
  executeBlock(params: ExecuteBlockParameters): Promise<ExecuteBlockResult>
  close?(): Promise<void>
}

/** A block executor the harness can run the fixtures through. */
export type NamedExecutor = {
  name: ExecutorName
  create(deps: SequentialExecutorDeps): Promise<BlockExecutor>
}

export type ExecutorName = 'sequential' | 'parallel'

/** `--mode`: which executors to run every test through. */
export type ConformanceMode = 'sequential' | 'parallel' | 'both'

/**
 * The executors that exist. Plugging the parallel executor in is one line here (a low threshold so
 * that the fixtures' small blocks take the parallel path rather than its sequential fallback):
 *   { name: 'parallel', create: (deps) => createParallelExecutor({ ...deps, workers: 2, minParallelTxs: 1 }) },
 */
export const EXECUTORS: readonly NamedExecutor[] = [
  { name: 'sequential', create: createSequentialExecutor },
  { name: 'parallel', create: sharedParallel },
]

// One parallel executor (one worker pool) serves every test: starting workers per test would cost
// more than running the fixtures. Each test swaps in its own block-hash lookup.
let parallel: Promise<ParallelExecutor> | undefined
let currentBlockHash: SequentialExecutorDeps['blockHash'] = () => undefined

async function sharedParallel(deps: SequentialExecutorDeps): Promise<BlockExecutor> {
  currentBlockHash = deps.blockHash
  parallel ??= createParallelExecutor({
    common: deps.common,
    blockHash: (n) => currentBlockHash(n),
    workers: Number(process.env.CONFORMANCE_WORKERS ?? 2),
    minParallelTxs: 1,
  })
  const exec = await parallel
  if (exec.common.hardfork() !== deps.common.hardfork() || exec.common.chainId() !== deps.common.chainId())
    throw new Error('the shared parallel executor serves one chain configuration')
  return { executeBlock: (p) => exec.executeBlock(p) }
}

/** The executors `mode` asks for that exist, and a note for each one asked for that does not. */
export function selectExecutors(
  mode: ConformanceMode,
  available: readonly NamedExecutor[] = EXECUTORS,
): { executors: NamedExecutor[]; notes: string[] } {
  const wanted: ExecutorName[] = mode === 'both' ? ['sequential', 'parallel'] : [mode]
  const executors = available.filter((e) => wanted.includes(e.name))
  const notes: string[] = []
  for (const name of wanted) {
    if (!available.some((e) => e.name === name))
      notes.push(`the ${name} executor is not available (not implemented yet)`)
  }
  if (executors.length === 0) {
    const fallback = available.find((e) => e.name === 'sequential')
    if (!fallback) throw new Error('no sequential executor registered')
    executors.push(fallback)
    notes.push('running the sequential executor only')
  } else if (notes.length > 0) {
    notes.push(`running ${executors.map((e) => e.name).join(', ')} only`)
  }
  return { executors, notes }
}
