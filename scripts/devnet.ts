// `npm start`: the whole devnet on one machine, on embedded defaults.
//
//   Redis    REDIS_URL (default redis://127.0.0.1:6379); a local redis-server is started if none answers
//   L1       Anvil from @foundry-rs/anvil on ANVIL_HOST:ANVIL_PORT (8546), state kept in DATA_DIR/l1,
//            unless L1_RPC_URL points at an existing L1
//   L2       the sequencer on RPC_HOST:RPC_PORT (8545) with the batcher and the batch poster
//   contracts deployed on first start; addresses in DATA_DIR/deployments.json
import { join } from 'node:path'
import { type Config, readConfig } from '../core/config/config.ts'
import { type RunningAnvil, startAnvil } from '../core/devnet/anvil.ts'
import { type EnsuredRedis, ensureRedis } from '../core/devnet/redis.ts'
import { BaseError } from '../core/errors/base.ts'
import { createLogger } from '../core/log/logger.ts'
import { type Sequencer, startSequencer } from '../sequencer/startSequencer.ts'

async function main(): Promise<void> {
  let config: Config
  try {
    config = readConfig()
  } catch (err) {
    process.stderr.write(`${err instanceof BaseError ? err.message : String(err)}\n`)
    process.exit(2)
  }
  const log = createLogger({ level: config.LOG_LEVEL })
  const stops: (() => Promise<void>)[] = []
  let stopping = false
  const shutdown = async (signal: string, code = 0) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping the devnet')
    for (const stop of stops.reverse()) await stop().catch((err) => log.error({ err }, 'stop failed'))
    process.exit(process.exitCode ?? code)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  try {
    const redis: EnsuredRedis = await ensureRedis(config.REDIS_URL, { dataDir: join(config.DATA_DIR, 'redis'), log })
    stops.push(() => redis.stop())
    let l1RpcUrl = config.L1_RPC_URL
    if (!l1RpcUrl) {
      const anvil: RunningAnvil = await startAnvil({
        host: config.ANVIL_HOST,
        port: config.ANVIL_PORT,
        chainId: config.L1_CHAIN_ID,
        blockTime: config.L1_BLOCK_TIME,
        stateFile: join(config.DATA_DIR, 'l1', 'anvil-state.json'),
        log,
      })
      stops.push(() => anvil.stop())
      l1RpcUrl = anvil.url
      log.info({ url: anvil.url, chainId: config.L1_CHAIN_ID, blockTime: config.L1_BLOCK_TIME }, 'L1 (Anvil) ready')
    }
    const sequencer: Sequencer = await startSequencer({ config: { ...config, L1_RPC_URL: l1RpcUrl }, log })
    stops.push(() => sequencer.close())
    const d = sequencer.deployments!
    process.stdout.write(
      [
        '',
        'parallel-rollup devnet is up',
        `  L2 RPC     ${sequencer.url} (chain id ${config.CHAIN_ID}; WebSocket on the same port)`,
        `  L1 RPC     ${l1RpcUrl} (chain id ${d.l1ChainId})`,
        `  Rollup     ${d.rollup}`,
        `  Bridge     ${d.bridge}`,
        `  Redis      ${redis.url}${redis.started ? ' (started for this devnet)' : ''}`,
        `  data       ${config.DATA_DIR}`,
        '',
        '',
      ].join('\n'),
    )
  } catch (err) {
    process.stderr.write(
      `devnet failed to start: ${err instanceof BaseError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    )
    await shutdown('startup-failure', 1)
  }
}

void main()
