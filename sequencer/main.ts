import { readConfigOrExit } from '../core/config/config.ts'
import { BaseError } from '../core/errors/base.ts'
import { createLogger } from '../core/log/logger.ts'
import { startSequencer } from './startSequencer.ts'

/** Starts the sequencer process alone (the devnet, `npm start`, runs it beside Anvil and the prover). */
async function main(): Promise<void> {
  const config = readConfigOrExit()
  const log = createLogger({ level: config.LOG_LEVEL })
  const sequencer = await startSequencer({ config, log })
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    await sequencer.close()
    log.info('stopped')
    process.exit(process.exitCode ?? 0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

main().catch((err) => {
  process.stderr.write(
    `fatal: ${err instanceof BaseError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  )
  process.exit(1)
})
