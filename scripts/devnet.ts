// `npm start`: the whole devnet on one machine, on embedded defaults.
//
//   Redis    REDIS_URL (default redis://127.0.0.1:6379); a local redis-server is started if none answers
//   L1       Anvil from @foundry-rs/anvil on ANVIL_HOST:ANVIL_PORT (8546), state kept in DATA_DIR/l1,
//            unless L1_RPC_URL points at an existing L1
//   L2       the sequencer on RPC_HOST:RPC_PORT (8545) with the batcher, the batch poster and the
//            deposit watcher
//   prover   the prover stub as a child process (its own chain in DATA_DIR/prover), attesting on L1
//   contracts deployed on first start; addresses in DATA_DIR/deployments.json

import { spawn } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { privateKeysOf, readConfigOrExit } from '../core/config/config.ts'
import { type RunningAnvil, startAnvil } from '../core/devnet/anvil.ts'
import { type EnsuredRedis, ensureRedis } from '../core/devnet/redis.ts'
import { BaseError } from '../core/errors/base.ts'
import { createLogger } from '../core/log/logger.ts'
import { NODE_HEAP_FLAGS } from '../core/threads/heap.ts'
import { type Sequencer, startSequencer } from '../sequencer/startSequencer.ts'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

async function main(): Promise<void> {
  const config = readConfigOrExit()
  const log = createLogger({ level: config.LOG_LEVEL, secrets: privateKeysOf(config) })
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
    // The prover re-executes every batch: a process of its own, so its CPU never stalls the sequencer.
    const prover = spawn(
      process.execPath,
      [...NODE_HEAP_FLAGS, '--import', 'tsx', join(REPO_ROOT, 'prover-stub', 'main.ts')],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          DATA_DIR: join(config.DATA_DIR, 'prover'),
          L1_RPC_URL: l1RpcUrl,
          ROLLUP_ADDRESS: d.rollup,
          BRIDGE_ADDRESS: d.bridge,
          L1_DEPLOY_BLOCK: String(d.deployBlock),
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    )
    const proverExited = new Promise<void>((resolve) => prover.once('exit', () => resolve()))
    prover.once('exit', (code, signal) => {
      if (!stopping) log.error({ code, signal }, 'the prover exited; batches are no longer attested')
    })
    stops.push(async () => {
      if (prover.exitCode === null && prover.signalCode === null) prover.kill('SIGTERM')
      await proverExited
    })
    process.stdout.write(
      [
        '',
        'parallel-rollup devnet is up',
        `  L2 RPC     ${sequencer.url} (chain id ${config.CHAIN_ID}; WebSocket on the same port)`,
        `  L1 RPC     ${l1RpcUrl} (chain id ${d.l1ChainId})`,
        `  Admin      ${sequencer.adminUrl ?? '(not started: ADMIN_PORT in use)'} (dashboard; /metrics, /queues)`,
        `  Rollup     ${d.rollup}`,
        `  Bridge     ${d.bridge}`,
        `  Redis      ${redis.url}${redis.started ? ' (started for this devnet)' : ''}`,
        `  prover     pid ${prover.pid} (attests batches on L1; its chain in ${join(config.DATA_DIR, 'prover')})`,
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
