import { readConfig } from '../core/config/config.ts'
import { BaseError } from '../core/errors/base.ts'
import { createLogger } from '../core/log/logger.ts'
import { createBlockProducer } from './block/createBlockProducer.ts'
import { chainEvents } from './node/chainEvents.ts'
import { createNode } from './node/createNode.ts'
import { createMethodTable } from './rpc/methods/createMethodTable.ts'
import { createRpcServer } from './rpc/server.ts'

/** Starts the L2 node: chain, block producer and JSON-RPC (HTTP + WebSocket on one port). */
async function main(): Promise<void> {
  let config: ReturnType<typeof readConfig>
  try {
    config = readConfig()
  } catch (err) {
    process.stderr.write(`${err instanceof BaseError ? err.message : String(err)}\n`)
    process.exit(2)
  }
  const log = createLogger({ level: config.LOG_LEVEL })
  const node = await createNode({ config, log })
  const producer = createBlockProducer(node)
  const { methods, close: closeFilters } = createMethodTable(node, { pendingBaseFee: producer.pendingBaseFee })
  const server = createRpcServer({
    methods,
    events: chainEvents(node),
    log: log.child({ component: 'rpc' }),
    host: config.RPC_HOST,
    port: config.RPC_PORT,
    limits: { maxBodyBytes: config.RPC_MAX_BODY_BYTES, maxBatchSize: config.RPC_MAX_BATCH },
    cors: { origins: config.CORS_ORIGINS === '*' ? '*' : config.CORS_ORIGINS.split(',').map((s) => s.trim()) },
  })
  const { url } = await server.start()
  producer.start()
  log.info({ url, chainId: config.CHAIN_ID, head: node.head().number, dataDir: config.DATA_DIR }, 'node ready')

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    // Reverse start order: stop taking requests, finish the block in progress, then close storage.
    await server.close().catch((err) => log.error({ err }, 'rpc close failed'))
    await producer.stop()
    closeFilters()
    await node.close()
    log.info('stopped')
    process.exit(process.exitCode ?? 0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

main().catch((err) => {
  process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
