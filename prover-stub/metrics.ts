import { Counter, Registry } from 'prom-client'

/** The prover's Prometheus metrics, in a registry of their own (served by no HTTP endpoint yet). */
export type ProverMetrics = {
  registry: Registry
  /** Batches whose output root this prover re-derived and attested on L1 (or found attested). */
  attested: Counter
  /** Batches whose claimed output root differs from the derived one, disputed on L1. */
  disputed: Counter
  /** Batches that could not be derived (invalid data or transactions, deposits): neither attested nor disputed. */
  refused: Counter
}

/** Creates a fresh registry with the prover's counters. */
export function createProverMetrics(): ProverMetrics {
  const registry = new Registry()
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] })
  return {
    registry,
    attested: counter(
      'prover_batches_attested_total',
      'Batches re-derived from L1 whose output root the prover attested',
    ),
    disputed: counter(
      'prover_batches_disputed_total',
      'Batches whose claimed output root differs from the derived one, disputed on L1',
    ),
    refused: counter(
      'prover_batches_refused_total',
      'Batches that could not be derived from L1 data; neither attested nor disputed',
    ),
  }
}
