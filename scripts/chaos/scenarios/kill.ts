// kill -9 under load: the sequencer is SIGKILLed at random moments while the workload sends (and, every other
// kill, an L1 deposit is made while it is down), then started again on the same DATA_DIR; every fourth restart is
// itself SIGKILLed at a random point of its start-up (opening the database, restoring the pool, catching the
// batcher up) before the start that counts. After each restart: every tx whose hash was returned is in exactly one
// block or still pending, no block read before the kill is rewritten or gone, and the chain continues.
// Recovery: from the SIGKILL to the first new block after it.
import type { Hex } from 'viem'
import { checkTxsAndBlocks, poll, sleep } from '../checks.ts'
import type { ChaosContext, ScenarioResult } from '../context.ts'

/** A restart that does not produce a new block within this long fails the run. */
const NEW_BLOCK_TIMEOUT_MS = 60_000

/** Runs the kill scenario: `options.kills` SIGKILLs. */
export async function killScenario(ctx: ChaosContext): Promise<ScenarioResult> {
  const { devnet, options, chain } = ctx
  const result: ScenarioResult = { scenario: 'kill', runs: 0, failures: [] }
  const depositing: Promise<unknown>[] = []
  let startupKills = 0
  for (let i = 1; i <= options.kills; i++) {
    if (ctx.remainingMs() <= 0) {
      result.failures.push(`time budget spent: ${options.kills - i + 1} of ${options.kills} kills not run`)
      break
    }
    const [lo, hi] = options.killGapMs
    await sleep(lo + ctx.random() * (hi - lo))
    const before = await chain.scanTo()
    const t0 = performance.now()
    await devnet.node.kill()
    if (i % 2 === 1)
      depositing.push(
        ctx.deposits
          .send('kill')
          .catch((err) => result.failures.push(`kill ${i}: the L1 deposit was refused: ${(err as Error).message}`)),
      )
    if (i % 4 === 0) {
      // killed again while starting: whatever recovery it was in the middle of must be redone from scratch
      let up = false
      const starting = devnet.node.start().then(
        () => {
          up = true
        },
        () => {},
      )
      await sleep(200 + ctx.random() * 1_800)
      if (!up) startupKills++
      await devnet.node.kill()
      await starting
    }
    try {
      await devnet.node.start()
    } catch (err) {
      result.failures.push(`kill ${i}: ${(err as Error).message}`)
      break
    }
    result.runs++
    result.failures.push(...(await checkTxsAndBlocks(ctx, `kill ${i}`)))
    const moved = await poll(
      async () => ((await devnet.l2.call<Hex>('eth_blockNumber').then(BigInt)) > before ? true : undefined),
      NEW_BLOCK_TIMEOUT_MS,
      25,
    )
    const ms = performance.now() - t0
    if (!moved) result.failures.push(`kill ${i}: no block after ${before} within ${NEW_BLOCK_TIMEOUT_MS / 1000}s`)
    else result.maxRecoveryMs = Math.max(result.maxRecoveryMs ?? 0, ms)
    ctx.log(`kill ${i}/${options.kills}: head was ${before}, a new block ${(ms / 1000).toFixed(1)}s after SIGKILL`)
  }
  await Promise.all(depositing)
  if (startupKills) result.notes = [`${startupKills} restarts were themselves SIGKILLed during start-up`]
  return result
}
