import { Worker } from 'node:worker_threads'
import type { RecoveredSender } from './recoverSender.ts'
import type { RecoverReply, RecoverRequest } from './senderRecoveryWorker.ts'

/** Sender recovery off the calling thread, batched: every request made in one turn of the event loop goes in one message. */
export type SenderRecovery = {
  /** The sender of `raw`, or undefined when the fast route declines it or the thread is unavailable (recover it yourself). */
  recover(raw: Uint8Array): Promise<RecoveredSender | undefined>
  close(): Promise<void>
}

type Waiter = { raw: Uint8Array; resolve(r: RecoveredSender | undefined): void }

/**
 * Starts `threads` sender-recovery threads (ecrecover is the largest per-tx cost of intake: ~45 µs of
 * native secp256k1 per tx). A JSON-RPC batch of raw txs is handled concurrently, so its recoveries
 * arrive in the same turn and travel as one message. Answers come back in request order. A thread that
 * dies answers undefined for its requests (the caller recovers them) and is replaced on the next request.
 */
export function createSenderRecovery({ threads = 1 }: { threads?: number } = {}): SenderRecovery {
  const entry = new URL('./senderRecoveryWorker.ts', import.meta.url).href
  const boot = new URL('../threads/workerBoot.mjs', import.meta.url)
  const workers: (Worker | undefined)[] = new Array(Math.max(1, threads)).fill(undefined)
  const inFlight = new Map<number, { worker: number; waiters: Waiter[] }>()
  let queue: Waiter[] = []
  let scheduled = false
  let nextId = 1
  let next = 0
  let closed = false

  const failAll = (w: number) => {
    for (const [id, req] of inFlight)
      if (req.worker === w) {
        for (const x of req.waiters) x.resolve(undefined)
        inFlight.delete(id)
      }
    workers[w] = undefined
  }
  const start = (w: number) => {
    const worker = new Worker(boot, { workerData: { entry } })
    worker.unref() // idle threads never keep a process alive
    worker.on('message', ({ id, addresses, publicKeys, ok }: RecoverReply) => {
      const req = inFlight.get(id)
      if (!req) return
      inFlight.delete(id)
      if (![...inFlight.values()].some((r) => r.worker === w)) worker.unref()
      req.waiters.forEach((x, i) => {
        x.resolve(
          ok[i]
            ? { address: addresses.slice(i * 20, i * 20 + 20), publicKey: publicKeys.slice(i * 64, i * 64 + 64) }
            : undefined,
        )
      })
    })
    worker.on('error', () => failAll(w))
    worker.on('exit', () => failAll(w))
    workers[w] = worker
    return worker
  }
  const flush = () => {
    scheduled = false
    const waiters = queue
    queue = []
    if (waiters.length === 0) return
    if (closed) {
      for (const x of waiters) x.resolve(undefined)
      return
    }
    const w = next++ % workers.length
    const worker = workers[w] ?? start(w)
    const buf = new Uint8Array(waiters.reduce((s, x) => s + x.raw.length, 0))
    const txs: [number, number][] = []
    let o = 0
    for (const x of waiters) {
      buf.set(x.raw, o)
      txs.push([o, x.raw.length])
      o += x.raw.length
    }
    const id = nextId++
    inFlight.set(id, { worker: w, waiters })
    worker.ref()
    worker.postMessage({ id, raw: buf, txs } satisfies RecoverRequest, [buf.buffer])
  }
  return {
    recover(raw) {
      return new Promise((resolve) => {
        queue.push({ raw, resolve })
        if (!scheduled) {
          scheduled = true
          setImmediate(flush)
        }
      })
    },
    async close() {
      closed = true
      await Promise.all(workers.map((w) => w?.terminate()))
    },
  }
}
