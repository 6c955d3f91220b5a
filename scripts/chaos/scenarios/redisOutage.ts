// Redis outage: the private redis-server stopped for --outage-seconds while the workload sends; it comes back
// empty (no persistence), as after a crash, so every queued job is gone. What is checked: scenarios/serviceOutage.ts.
import type { ChaosContext, ScenarioResult } from '../context.ts'
import { serviceOutage } from './serviceOutage.ts'

/** The private redis-server down for --outage-seconds. */
export const redisOutageScenario = (ctx: ChaosContext): Promise<ScenarioResult> =>
  serviceOutage(ctx, 'redis', ctx.devnet.redis)
