// An outage of L1 or of Redis: Anvil (SIGTERM; it keeps its state file) or the private redis-server (it comes back
// empty) is stopped for --outage-seconds while the workload sends. Checked: L2 blocks keep coming the whole time
// (no gap longer than three idle-block intervals), and once the service is back, every L2 block produced up to
// then is posted; L1 then holds every batch exactly once and in order, exactly the L2 chain, with no post reverted
// or doubled. Recovery: from the service answering again to the last block of the outage being posted on L1.
// With `restartNode`, the sequencer is also SIGKILLed halfway through the outage and must start again without the
// service and go on producing blocks (its gap allowance grows by NODE_START_MS).
import { checkL1, checkTxsAndBlocks, longestBlockGap, waitPosted } from '../checks.ts'
import type { ChaosContext, ScenarioResult } from '../context.ts'
import type { Service } from '../devnet.ts'

/** How long posting may take to catch up after the outage. */
const CATCH_UP_TIMEOUT_MS = 180_000
/** What a restart of the sequencer may add to the longest gap between L2 blocks. */
const NODE_START_MS = 20_000

/** Stops `service` for --outage-seconds under load and checks what the header says. */
export async function serviceOutage(
  ctx: ChaosContext,
  scenario: string,
  service: Service,
  { restartNode = false }: { restartNode?: boolean } = {},
): Promise<ScenarioResult> {
  const { options, chain } = ctx
  const result: ScenarioResult = { scenario, runs: 0, failures: [] }
  if (ctx.remainingMs() < options.outageMs) {
    result.failures.push(`time budget spent: the ${scenario} outage was not run`)
    return result
  }
  const what = service === ctx.devnet.anvil ? 'Anvil' : 'Redis'
  const before = await chain.scanTo()
  await service.stop()
  ctx.log(`${scenario}: ${what} stopped at L2 head ${before} for ${options.outageMs / 1000}s`)
  let gap: number
  if (restartNode) {
    const first = await longestBlockGap(ctx, options.outageMs / 2)
    await ctx.devnet.node.kill()
    const t0 = Date.now()
    const started = await ctx.devnet.node.start().then(
      () => true,
      (err: Error) => {
        result.failures.push(`${scenario}: the sequencer does not start while ${what} is down: ${err.message}`)
        return false
      },
    )
    ctx.log(`${scenario}: sequencer SIGKILLed with ${what} down; ${started ? 'it started again' : 'it did NOT start'}`)
    gap = Math.max(first, await longestBlockGap(ctx, Math.max(0, options.outageMs / 2 - (Date.now() - t0))))
  } else gap = await longestBlockGap(ctx, options.outageMs)
  const limit = Math.max(5_000, 3 * ctx.devnet.idleBlockMs) + (restartNode ? NODE_START_MS : 0)
  const during = await chain.scanTo().catch(() => chain.scanned())
  if (gap > limit)
    result.failures.push(`${scenario}: no L2 block for ${(gap / 1000).toFixed(1)}s while ${what} was down`)
  if (during <= before) result.failures.push(`${scenario}: the L2 head stayed at ${before} while ${what} was down`)
  await service.start()
  // a sequencer that could not start without the service gets its chance now, so the run goes on
  if (!ctx.devnet.node.running()) await ctx.devnet.node.start()
  result.runs = 1
  const ms = await waitPosted(ctx, during, CATCH_UP_TIMEOUT_MS)
  if (ms === undefined)
    result.failures.push(
      `${scenario}: L2 block ${during} not posted ${CATCH_UP_TIMEOUT_MS / 1000}s after ${what} returned`,
    )
  else result.maxRecoveryMs = ms
  ctx.log(
    `${scenario}: ${what} back; L2 blocks ${before + 1n}-${during} made while it was down ${ms === undefined ? 'NOT posted' : `posted ${(ms / 1000).toFixed(1)}s later`}`,
  )
  result.failures.push(...(await checkTxsAndBlocks(ctx, scenario)))
  result.failures.push(...(await checkL1(ctx, scenario)))
  return result
}
