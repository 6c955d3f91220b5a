import type { OutboxBatch, OutboxStore } from '../../core/storage/outboxStore.ts'
import type { Poster } from '../batcher/createPoster.ts'
import type { NodeMetrics } from './createNodeMetrics.ts'

/**
 * Follows the poster's events into the batch metrics: post latency (sealed → mined on L1), the fee bumps
 * the mined post needed (earlier posts with its nonce, from the outbox's record of every signed post) and
 * reorgs. Returns the function that stops following.
 */
export function observePoster(
  poster: Pick<Poster, 'events'>,
  {
    outbox,
    metrics,
  }: {
    outbox: Pick<OutboxStore, 'posts'>
    metrics: Pick<NodeMetrics, 'batchPostLatency' | 'batchFeeBumps' | 'batchReorgs'>
  },
): () => void {
  const onPosted = (b: OutboxBatch) => {
    if (b.sealedAt !== undefined && b.postedAt !== undefined)
      metrics.batchPostLatency.observe(Math.max(0, b.postedAt - b.sealedAt) / 1000)
    const posts = outbox.posts(b.index)
    const mined = posts.find((p) => p.txHash === b.l1TxHash)
    if (mined) metrics.batchFeeBumps.inc(posts.filter((p) => p.nonce === mined.nonce && p !== mined).length)
  }
  const onReorged = () => metrics.batchReorgs.inc()
  poster.events.on('posted', onPosted)
  poster.events.on('reorged', onReorged)
  return () => {
    poster.events.off('posted', onPosted)
    poster.events.off('reorged', onReorged)
  }
}
