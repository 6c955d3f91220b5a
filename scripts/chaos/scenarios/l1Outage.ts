// L1 outage: Anvil stopped (SIGTERM: it writes its state file and comes back where it was) for --outage-seconds
// while the workload sends. What is checked: scenarios/serviceOutage.ts.
import type { ChaosContext, ScenarioResult } from '../context.ts'
import { serviceOutage } from './serviceOutage.ts'

/** Anvil down for --outage-seconds. */
export const l1OutageScenario = (ctx: ChaosContext): Promise<ScenarioResult> =>
  serviceOutage(ctx, 'l1', ctx.devnet.anvil)
