// L1 outage with a sequencer crash in it: Anvil stopped for --outage-seconds, and halfway through the sequencer is
// SIGKILLed and started again. It must start without L1 (its deployments file already says where the rollup is)
// and go on producing blocks; the rest is checked as for the L1 outage (scenarios/serviceOutage.ts). Not in the
// default set: today the sequencer refuses to start while L1 does not answer (docs/chaos.md, known issues).
import type { ChaosContext, ScenarioResult } from '../context.ts'
import { serviceOutage } from './serviceOutage.ts'

/** Anvil down for --outage-seconds, the sequencer SIGKILLed and restarted halfway. */
export const l1RestartScenario = (ctx: ChaosContext): Promise<ScenarioResult> =>
  serviceOutage(ctx, 'l1-restart', ctx.devnet.anvil, { restartNode: true })
