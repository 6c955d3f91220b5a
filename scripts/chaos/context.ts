// What every scenario gets (one context object, as the node's factories do) and what it gives back.
import type { ChainWatch } from './chainWatch.ts'
import type { Deposits } from './deposits.ts'
import type { ChaosDevnet } from './devnet.ts'
import type { Ledger } from './ledger.ts'
import type { ChaosOptions } from './options.ts'
import type { Workload } from './workload.ts'

/** The shared state of a chaos run. */
export type ChaosContext = {
  devnet: ChaosDevnet
  ledger: Ledger
  chain: ChainWatch
  workload: Workload
  deposits: Deposits
  options: ChaosOptions
  /** seeded: the same --seed picks the same moments */
  random(): number
  /** a progress line on stderr */
  log(line: string): void
  /** labels the txs sent from now on */
  setScenario(name: string): void
  /** ms left before the run must go to its final checks (--duration minus a reserve for them) */
  remainingMs(): number
  /** the most reposts each batch index may show: how many of the harness's reorgs dropped it */
  maxReposts: Map<number, number>
}

/** A scenario's row of the table, less the tx counts the ledger keeps. */
export type ScenarioResult = {
  scenario: string
  runs: number
  /** the longest recovery of any run, ms (what recovery means is the scenario's: docs/chaos.md) */
  maxRecoveryMs?: number
  /** every check that failed, one line each; empty = passed */
  failures: string[]
  /** what is worth knowing but fails no check */
  notes?: string[]
  /** txs or requests sent besides the workload's (hostile requests, L1 deposits) */
  extraSent?: number
  /** of those, how many were accepted (hostile: must be 0) */
  extraAccepted?: number
  /** of those, how many ended up on L2 (deposits) */
  extraIncluded?: number
  /** lost/duplicated among the extra ones (deposits credited zero or two times) */
  extraLost?: number
  extraDuplicated?: number
}

/** A scenario: runs against the shared devnet while the workload keeps sending. */
export type Scenario = (ctx: ChaosContext) => Promise<ScenarioResult>
