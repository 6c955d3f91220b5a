import type { OutboxStore } from '../../core/storage/outboxStore.ts'

/** Batches on L1 that the prover has not attested yet: highest posted index minus highest attested index. */
export function proverLag(outbox: Pick<OutboxStore, 'highestIndex'>): number {
  const posted = outbox.highestIndex(['posted', 'confirmed', 'attested', 'finalized', 'disputed'])
  const attested = outbox.highestIndex(['attested', 'finalized'])
  return Math.max(0, posted - attested)
}
