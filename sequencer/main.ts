import { privateKeysOf, readConfigOrExit } from '../core/config/config.ts'
import { BaseError } from '../core/errors/base.ts'
import { createLogger } from '../core/log/logger.ts'
import { checkAdminHost } from './admin/checkAdminHost.ts'
import { type Sequencer, startSequencer } from './startSequencer.ts'

/** Starts the sequencer process alone (the devnet, `npm start`, runs it beside Anvil and the prover). */
async function main(): Promise<void> {
  const config = readConfigOrExit((c) => checkAdminHost({ host: c.ADMIN_HOST, allowPublic: c.ADMIN_ALLOW_PUBLIC }))
  const log = createLogger({ level: config.LOG_LEVEL, secrets: privateKeysOf(config) })
  let sequencer: Sequencer | undefined
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    // During start-up there is nothing to drain yet (SQLite is crash-safe; an interrupted L1 deployment is redone
    // on the next start), and waiting for an L1 that does not answer would make Ctrl-C hang: exit at once.
    await sequencer?.close()
    log.info('stopped')
    process.exit(process.exitCode ?? 0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  sequencer = await startSequencer({ config, log })
}

main().catch((err) => {
  process.stderr.write(
    `fatal: ${err instanceof BaseError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  )
  process.exit(1)
})
