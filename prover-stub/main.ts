// `npm run prover`: the long-running prover stub. Reads the same variables as the sequencer (its own
// DATA_DIR), finds the rollup from ROLLUP_ADDRESS + BRIDGE_ADDRESS + L1_DEPLOY_BLOCK or the deployments file the
// sequencer writes (DEPLOYMENTS_FILE, default DATA_DIR/deployments.json; waited for if not there yet).
// Its Prometheus metrics are on http://ADMIN_HOST:PROVER_METRICS_PORT/metrics (loopback, 8548).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { collectDefaultMetrics } from 'prom-client'
import type { Address } from 'viem'
import { readDeployments } from '../contracts/deploy.ts'
import { type Config, privateKeysOf, readConfigOrExit } from '../core/config/config.ts'
import { BaseError } from '../core/errors/base.ts'
import { createLogger, type Logger } from '../core/log/logger.ts'
import { checkAdminHost } from '../sequencer/admin/checkAdminHost.ts'
import { AdminPortInUseError, createAdminServer } from '../sequencer/admin/createAdminServer.ts'
import { createProver } from './createProver.ts'

/** The rollup to prove: from the config, or from the deployments file once the sequencer has written it. */
async function findRollup(
  config: Config,
  log: Logger,
  signal: AbortSignal,
): Promise<{ rollup: Address; bridge: Address; deployBlock: bigint } | undefined> {
  if (config.ROLLUP_ADDRESS) {
    if (!config.BRIDGE_ADDRESS) throw new BaseError('ROLLUP_ADDRESS is set but BRIDGE_ADDRESS is not')
    return {
      rollup: config.ROLLUP_ADDRESS as Address,
      bridge: config.BRIDGE_ADDRESS as Address,
      deployBlock: BigInt(config.L1_DEPLOY_BLOCK),
    }
  }
  const file = config.DEPLOYMENTS_FILE ?? join(config.DATA_DIR, 'deployments.json')
  let told = false
  while (!signal.aborted) {
    if (existsSync(file)) {
      const d = readDeployments(file)
      if (d) return { rollup: d.rollup, bridge: d.bridge, deployBlock: d.deployBlock }
    }
    if (!told) log.info({ file }, 'waiting for the deployments file (set ROLLUP_ADDRESS to skip)')
    told = true
    await new Promise((r) => setTimeout(r, config.L1_POLL_MS))
  }
  return undefined
}

async function main(): Promise<void> {
  const config = readConfigOrExit((c) => {
    if (!c.L1_RPC_URL) throw new BaseError('L1_RPC_URL is not set: the prover follows an L1')
    checkAdminHost({ host: c.ADMIN_HOST, allowPublic: c.ADMIN_ALLOW_PUBLIC })
  })
  const log = createLogger({ level: config.LOG_LEVEL, name: 'prover', secrets: privateKeysOf(config) })
  const abort = new AbortController()
  let stop = async () => {}
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    abort.abort()
    await stop()
    log.info('stopped')
    process.exit(process.exitCode ?? 0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  const target = await findRollup(config, log, abort.signal)
  if (!target) return
  const prover = await createProver({ config, log, ...target })
  stop = () => prover.stop()
  collectDefaultMetrics({ register: prover.registry })
  // only /metrics: the same server as the sequencer's admin port, without dashboard or queue board
  const metricsServer = createAdminServer({
    host: config.ADMIN_HOST,
    port: config.PROVER_METRICS_PORT,
    allowPublic: config.ADMIN_ALLOW_PUBLIC,
    log,
    registry: prover.registry,
  })
  stop = async () => {
    await metricsServer.close()
    await prover.stop()
  }
  await prover.start()
  try {
    const { url } = await metricsServer.start()
    log.info({ url: `${url}/metrics` }, 'prover metrics')
  } catch (err) {
    // proving does not depend on it: run without rather than not at all
    if (!(err instanceof AdminPortInUseError)) throw err
    log.error({ err: err.shortMessage }, 'prover metrics server not started: port in use')
  }
}

main().catch((err) => {
  process.stderr.write(
    `fatal: ${err instanceof BaseError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  )
  process.exit(1)
})
