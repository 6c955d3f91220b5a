// The batched sender: eth_sendRawTransaction in JSON-RPC batches, at most `lanes.length` requests in flight.
//
// Senders are split over the lanes (sender i -> lane i mod L) and each lane sends its batches one after
// the other, round robin over its senders by nonce. So a sender's txs always reach the node in nonce
// order (a later batch of the same sender is sent only once the earlier one is answered), while batches
// of different lanes interleave freely. A shared queue would keep the pipe fuller at the very end, but
// could let nonce n+1 overtake nonce n and turn the node's pending pool into a queued one.

import { type RpcClient, RpcTransportError } from './rpc.ts'
import type { SignedTx } from './workloads.ts'

/** One tx the node refused at intake. */
export type Rejection = { index: number; code: number; message: string }

/** When each tx was sent and accepted (performance.now() ms; NaN where it never was), and what was refused. */
export type SendOutcome = {
  sentAt: Float64Array
  acceptedAt: Float64Array
  rejected: Rejection[]
  /** the run was aborted (a stall) before every batch was answered */
  aborted: boolean
}

/** Parameters of `sendTransactions`. */
export type SendTransactionsParameters = {
  txs: readonly SignedTx[]
  /** per lane, indices into `txs` in sending order */
  lanes: readonly (readonly number[])[]
  batchSize: number
  signal?: AbortSignal
  /** called after each answered batch */
  onBatch?: (answered: number, rejected: number) => void
  /**
   * Whether tx `index` may go now (`--max-ahead`: a sender may run only so far ahead of its receipts).
   * A batch stops at the first tx that may not; a lane with nothing to send waits a few ms.
   */
  mayGo?: (index: number) => boolean
}

/**
 * Orders per-sender tx lists into `inFlight` lanes: sender i goes to lane i mod inFlight, and a lane
 * takes nonce 0 of each of its senders, then nonce 1, and so on. Returns the flat tx list and the lanes.
 */
export function laneOrder(perSender: readonly (readonly SignedTx[])[], inFlight: number) {
  const txs: SignedTx[] = []
  const lanes: number[][] = Array.from({ length: Math.max(1, Math.min(inFlight, perSender.length)) }, () => [])
  const longest = Math.max(0, ...perSender.map((l) => l.length))
  for (let k = 0; k < longest; k++)
    perSender.forEach((list, i) => {
      if (k >= list.length) return
      lanes[i % lanes.length].push(txs.length)
      txs.push(list[k])
    })
  return { txs, lanes }
}

/** Sends every tx of every lane; resolves when all batches are answered or the signal aborts. */
export async function sendTransactions(
  rpc: RpcClient,
  { txs, lanes, batchSize, signal, onBatch, mayGo = () => true }: SendTransactionsParameters,
): Promise<SendOutcome> {
  const sentAt = new Float64Array(txs.length).fill(Number.NaN)
  const acceptedAt = new Float64Array(txs.length).fill(Number.NaN)
  const rejected: Rejection[] = []
  let answered = 0
  let aborted = false

  const runLane = async (lane: readonly number[]) => {
    for (let start = 0; start < lane.length; ) {
      if (signal?.aborted) {
        aborted = true
        return
      }
      let end = start
      while (end < lane.length && end - start < batchSize && mayGo(lane[end])) end++
      if (end === start) {
        await new Promise((r) => setTimeout(r, 5))
        continue
      }
      const batch = lane.slice(start, end)
      start = end
      const t = performance.now()
      for (const i of batch) sentAt[i] = t
      let replies: Awaited<ReturnType<RpcClient['batch']>>
      try {
        replies = await rpc.batch(
          batch.map((i) => ({ method: 'eth_sendRawTransaction', params: [txs[i].raw] })),
          { signal },
        )
      } catch (err) {
        if (signal?.aborted && err instanceof RpcTransportError) {
          aborted = true
          return
        }
        throw err
      }
      const done = performance.now()
      replies.forEach((r, j) => {
        const index = batch[j]
        if (r.error) rejected.push({ index, code: r.error.code, message: r.error.message })
        else acceptedAt[index] = done
      })
      answered += batch.length
      onBatch?.(answered, rejected.length)
    }
  }
  await Promise.all(lanes.map(runLane))
  return { sentAt, acceptedAt, rejected, aborted }
}
