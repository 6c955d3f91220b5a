import { Worker } from 'node:worker_threads'
import { BaseError } from '../../core/errors/base.ts'
import { EVM_WORKER_RESOURCE_LIMITS } from '../../core/threads/heap.ts'
import type { StateDiff } from '../state/types.ts'
import { type FromWorker, packItems, type StateSnapshot, type ToWorker, type TxOutcome } from './messages.ts'

/** A worker died or answered with an error; the block falls back to sequential execution. */
export class WorkerFailedError extends BaseError {
  override name = 'WorkerFailedError' as const
  constructor({ reason }: { reason: string }) {
    super(`executor worker failed: ${reason}`, { retryable: true })
  }
}

/** The VM workers, each holding a replica of the head state at `version`. */
export type WorkerPool = {
  readonly size: number
  version: string | undefined
  /** Why the pool is unusable (a worker died), if it is; the executor then starts a new one. */
  readonly broken: string | undefined
  /** Seeds every replica with a full snapshot. */
  init(params: { chainId: number; hardfork: string; snapshot: StateSnapshot; version: string }): Promise<void>
  /** Advances every replica by one block's diff. */
  applyDiff(diff: StateDiff, version: string): void
  /**
   * Runs lanes on one worker. `onOutcomes` gets the outcomes as the worker sends them, in block order, the
   * last ones included; the promise resolves after the last with the worker's own time.
   */
  run(
    worker: number,
    msg: Omit<Extract<ToWorker, { type: 'runLanes' }>, 'id' | 'type'>,
    onOutcomes: (outcomes: TxOutcome[]) => void,
  ): Promise<{ ms: number }>
  /** Recovers the senders of raw txs on one worker. */
  recover(
    worker: number,
    msg: Omit<Extract<ToWorker, { type: 'recover' }>, 'id' | 'type'>,
  ): Promise<Extract<FromWorker, { type: 'recovered' }>>
  /** The root of the ordered trie of each list of items (transactionsRoot, receiptsRoot), on one worker. */
  orderedRoots(worker: number, lists: readonly (readonly Uint8Array[])[]): Promise<Uint8Array[]>
  close(): Promise<void>
}

/** Starts `size` VM worker threads. */
export function createWorkerPool({ size }: { size: number }): WorkerPool {
  const entry = new URL('./vmWorker.ts', import.meta.url).href
  const workers = Array.from(
    { length: size },
    () =>
      new Worker(new URL('../../core/threads/workerBoot.mjs', import.meta.url), {
        workerData: { entry },
        resourceLimits: EVM_WORKER_RESOURCE_LIMITS,
      }),
  )
  // One table for both reply kinds; each request knows what it will get back.
  // A runLanes request also takes the outcomes its worker sends before the last ones.
  const pending = new Map<
    number,
    { resolve(v: never): void; reject(e: unknown): void; onOutcomes?: (outcomes: TxOutcome[]) => void }
  >()
  let readyWaiters: { resolve(): void; reject(e: unknown): void }[] = []
  let nextId = 1
  let broken: string | undefined
  const fail = (reason: string) => {
    broken ??= reason
    for (const p of pending.values()) p.reject(new WorkerFailedError({ reason }))
    pending.clear()
    for (const w of readyWaiters) w.reject(new WorkerFailedError({ reason }))
    readyWaiters = []
  }
  // Idle workers must not keep a CLI alive: they are ref'd only while a request is outstanding.
  const inFlight = new Array<number>(size).fill(0)
  const hold = (i: number) => {
    if (inFlight[i]++ === 0) workers[i].ref()
  }
  const release = (i: number) => {
    if (--inFlight[i] === 0 && !closing) workers[i].unref()
  }
  let closing = false
  for (const w of workers) w.unref()
  for (const w of workers) {
    w.on('message', (m: FromWorker) => {
      if (m.type === 'ready') readyWaiters.shift()?.resolve()
      else if (m.type === 'lanesProgress') pending.get(m.id)?.onOutcomes?.(m.outcomes)
      else if (m.type === 'lanesDone') {
        pending.get(m.id)?.onOutcomes?.(m.outcomes)
        pending.get(m.id)?.resolve({ ms: m.ms } as never)
        pending.delete(m.id)
      } else if (m.type === 'recovered') {
        pending.get(m.id)?.resolve(m as never)
        pending.delete(m.id)
      } else if (m.type === 'orderedRoots') {
        pending.get(m.id)?.resolve(m.roots as never)
        pending.delete(m.id)
      } else if (m.type === 'error') {
        if (m.id !== undefined && pending.has(m.id)) {
          pending.get(m.id)!.reject(new WorkerFailedError({ reason: m.message }))
          pending.delete(m.id)
        } else {
          // A replica update failed: the replicas can no longer be trusted; re-seed before the next block.
          pool.version = undefined
        }
      }
    })
    w.on('error', (e) => fail(e.message))
    w.on('exit', (code) => {
      if (code !== 0) fail(`exited with code ${code}`)
    })
  }
  const pool: WorkerPool = {
    size,
    version: undefined,
    get broken() {
      return broken
    },
    async init({ chainId, hardfork, snapshot, version }) {
      if (broken) throw new WorkerFailedError({ reason: broken })
      const ready = workers.map(() => new Promise<void>((resolve, reject) => readyWaiters.push({ resolve, reject })))
      workers.forEach((w, i) => {
        hold(i)
        w.postMessage({ type: 'init', chainId, hardfork, snapshot, version } satisfies ToWorker)
      })
      try {
        await Promise.all(ready)
      } finally {
        for (let i = 0; i < workers.length; i++) release(i)
      }
      pool.version = version
    },
    applyDiff(diff, version) {
      for (const w of workers) w.postMessage({ type: 'applyDiff', diff, version } satisfies ToWorker)
      pool.version = version
    },
    run(worker, msg, onOutcomes) {
      if (broken) return Promise.reject(new WorkerFailedError({ reason: broken }))
      const id = nextId++
      hold(worker)
      return new Promise<{ ms: number }>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: never) => void, reject, onOutcomes })
        workers[worker].postMessage({ type: 'runLanes', id, ...msg } satisfies ToWorker, [])
      }).finally(() => release(worker))
    },
    recover(worker, msg) {
      if (broken) return Promise.reject(new WorkerFailedError({ reason: broken }))
      const id = nextId++
      hold(worker)
      return new Promise<Extract<FromWorker, { type: 'recovered' }>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: never) => void, reject })
        workers[worker].postMessage({ type: 'recover', id, ...msg } satisfies ToWorker)
      }).finally(() => release(worker))
    },
    orderedRoots(worker, lists) {
      if (broken) return Promise.reject(new WorkerFailedError({ reason: broken }))
      const id = nextId++
      hold(worker)
      const packed = lists.map(packItems)
      return new Promise<Uint8Array[]>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: never) => void, reject })
        workers[worker].postMessage(
          { type: 'orderedRoots', id, lists: packed } satisfies ToWorker,
          packed.flatMap((p) => [p.bytes.buffer as ArrayBuffer, p.ends.buffer as ArrayBuffer]),
        )
      }).finally(() => release(worker))
    },
    async close() {
      // Ref'd until they are gone: waiting on an unref'd worker's exit, a process with nothing else to do exits
      // before close() resolves (a sequencer failing at start-up exited 0 without printing why).
      closing = true
      for (const w of workers) w.ref()
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
  return pool
}
