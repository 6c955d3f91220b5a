// `npm run verify -- [--l1 URL] [--rollup ADDR [--deploy-block N] | --deployments FILE] [--data-dir DIR]`
//
// Re-derives the whole L2 chain from L1 data alone into an empty directory (a temporary one unless
// --data-dir is given) and checks every batch's output root. Exit status: 0 every batch matches,
// 1 derivation diverged (the first divergence is named), 2 usage or configuration error, 3 could
// not verify (the L1 is unreachable, or another failure), 130/143 interrupted by SIGINT/SIGTERM.
// On a terminal, stderr shows a progress bar (batches derived / batches on L1).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type Address, createPublicClient, http, isAddress } from 'viem'
import { readDeployments } from '../contracts/deploy.ts'
import { rollupAbi } from '../contracts/generated/Rollup.ts'
import { type Config, readConfig } from '../core/config/config.ts'
import { BaseError } from '../core/errors/base.ts'
import { createLogger } from '../core/log/logger.ts'
import { deriveFromL1 } from './derive.ts'
import { DataDirNotEmptyError, DerivationError } from './errors.ts'

const USAGE = `usage: npm run verify -- [--l1 URL] [--rollup ADDRESS --bridge ADDRESS [--deploy-block N] | --deployments FILE] [--data-dir DIR]

  --l1 URL            the L1 JSON-RPC endpoint (default: L1_RPC_URL)
  --rollup ADDRESS    the rollup contract (default: ROLLUP_ADDRESS)
  --bridge ADDRESS    the deposit bridge, whose deposits are replayed (default: BRIDGE_ADDRESS)
  --deploy-block N    the L1 block it was deployed in, where the scan starts (default: L1_DEPLOY_BLOCK, or 0)
  --deployments FILE  read rollup, bridge and deploy block from a deployments.json (default: DEPLOYMENTS_FILE)
  --data-dir DIR      an empty directory to keep the derived chain in (default: a temporary one, removed after)

The chain parameters (CHAIN_ID, GENESIS_*, COINBASE, BLOCK_GAS_LIMIT, MIN_BASE_FEE) come from the
environment, as for the sequencer. Exit status: 0 all batches match, 1 diverged, 2 usage, 3 could not verify,
130/143 interrupted (SIGINT/SIGTERM).`

/** The command line is wrong (exit status 2). */
class UsageError extends BaseError {
  override name = 'UsageError' as const
}

type Target = { l1: string; rollup: Address; bridge: Address; deployBlock: bigint; dataDir?: string; config: Config }

const OPTIONS = {
  l1: { type: 'string' },
  rollup: { type: 'string' },
  bridge: { type: 'string' },
  'deploy-block': { type: 'string' },
  deployments: { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** The command line and the environment, checked in full before anything runs. */
function parse(argv: string[], env: NodeJS.ProcessEnv): Target | 'help' {
  let args: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values']
  try {
    args = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (args.help) return 'help'
  const config = readConfig(env)
  const l1 = args.l1 ?? config.L1_RPC_URL
  if (!l1) throw new UsageError('no L1 given: pass --l1 URL or set L1_RPC_URL')
  if (!/^https?:\/\//.test(l1)) throw new UsageError(`--l1 must be an http(s) URL, got ${l1}`)
  if (args.rollup && args.deployments) throw new UsageError('give either --rollup or --deployments, not both')
  let rollup: string | undefined = args.rollup
  let bridge: string | undefined = args.bridge ?? (args.rollup ? config.BRIDGE_ADDRESS : undefined)
  let deployBlock: bigint | undefined
  if (args['deploy-block'] !== undefined) {
    if (!/^\d+$/.test(args['deploy-block']))
      throw new UsageError(`--deploy-block must be a block number, got ${args['deploy-block']}`)
    if (!rollup) throw new UsageError('--deploy-block goes with --rollup')
    deployBlock = BigInt(args['deploy-block'])
  }
  const file = args.deployments ?? (rollup ? undefined : config.ROLLUP_ADDRESS ? undefined : config.DEPLOYMENTS_FILE)
  if (file) {
    const d = readDeployments(file)
    if (!d) throw new UsageError(`no deployments file at ${file}`)
    rollup = d.rollup
    bridge = d.bridge
    deployBlock = d.deployBlock
  } else if (!rollup && config.ROLLUP_ADDRESS) {
    rollup = config.ROLLUP_ADDRESS
    bridge ??= config.BRIDGE_ADDRESS
    deployBlock = BigInt(config.L1_DEPLOY_BLOCK)
  }
  if (!rollup)
    throw new UsageError(
      'no rollup given: pass --rollup ADDRESS or --deployments FILE (or set ROLLUP_ADDRESS / DEPLOYMENTS_FILE)',
    )
  if (!isAddress(rollup, { strict: false }))
    throw new UsageError(`--rollup must be a 20-byte hex address, got ${rollup}`)
  if (!bridge) throw new UsageError('no bridge given: pass --bridge ADDRESS with --rollup (or set BRIDGE_ADDRESS)')
  if (!isAddress(bridge, { strict: false }))
    throw new UsageError(`--bridge must be a 20-byte hex address, got ${bridge}`)
  return { l1, rollup, bridge, deployBlock: deployBlock ?? 0n, dataDir: args['data-dir'], config }
}

const short = (h: string) => `${h.slice(0, 10)}…${h.slice(-8)}`

/**
 * A progress bar on stderr, only when stderr is a terminal: batches derived out of the batches the rollup has
 * (read once at the start; more may arrive while it runs). Cleared before each line written to stdout.
 */
function createProgress({ l1, rollup }: { l1: string; rollup: Address }) {
  const tty = process.stderr.isTTY === true
  let total: number | undefined
  let done = 0
  let shown = false
  let timer: NodeJS.Timeout | undefined
  const t0 = performance.now()
  const draw = () => {
    if (!tty) return
    const s = ((performance.now() - t0) / 1000).toFixed(1)
    let text = `reading batch logs from L1… ${s}s`
    if (done > 0 || total !== undefined) {
      const of = Math.max(total ?? done, done)
      const width = 30
      const filled = of === 0 ? width : Math.round((done / of) * width)
      text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${of} batches ${s}s`
    }
    process.stderr.write(`\r${text}\x1b[K`)
    shown = true
  }
  const clear = () => {
    if (shown) process.stderr.write('\r\x1b[K')
    shown = false
  }
  return {
    async start() {
      if (!tty) return
      draw()
      timer = setInterval(draw, 250).unref()
      const client = createPublicClient({ transport: http(l1, { retryCount: 0 }) })
      total = await client
        .readContract({ address: rollup, abi: rollupAbi, functionName: 'nextBatchIndex' })
        .then(Number, () => undefined)
      draw()
    },
    /** Writes `line` to stdout with the bar out of the way, then counts one batch more. */
    batch(line: string) {
      clear()
      process.stdout.write(line)
      done++
      draw()
    },
    /** Takes the bar off the terminal for good. */
    stop() {
      clearInterval(timer)
      clear()
    },
  }
}

async function main(): Promise<number> {
  let target: Target | 'help'
  try {
    target = parse(process.argv.slice(2), process.env)
  } catch (err) {
    process.stderr.write(`${err instanceof BaseError ? err.message : String(err)}\n\n${USAGE}\n`)
    return 2
  }
  if (target === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const { l1, rollup, bridge, deployBlock, config } = target
  const temp = target.dataDir === undefined
  const dataDir = target.dataDir ?? mkdtempSync(join(tmpdir(), 'rollup-verify-'))
  const log = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'verify' })
  const t0 = performance.now()
  process.stdout.write(`verifying rollup ${rollup} on ${l1} from L1 block ${deployBlock}\n`)
  const progress = createProgress({ l1, rollup })
  // Interrupted: remove the temporary chain and say so; never the exit status of a verified chain.
  const interrupted = (signal: NodeJS.Signals) => {
    progress.stop()
    process.stderr.write(`interrupted by ${signal}: not verified\n`)
    if (temp) rmSync(dataDir, { recursive: true, force: true })
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  try {
    await progress.start()
    const r = await deriveFromL1({
      l1RpcUrl: l1,
      rollup,
      bridge,
      deployBlock,
      dataDir,
      config,
      log,
      onBatch: (b) => {
        progress.batch(
          `batch ${b.index}: blocks ${b.firstBlock}-${b.lastBlock} (${b.blocks}), ${b.txs} txs, output root ${short(b.outputRoot)} OK\n`,
        )
      },
    })
    progress.stop()
    const s = ((performance.now() - t0) / 1000).toFixed(1)
    process.stdout.write(
      `verified ${r.batches} batches: ${r.blocks} L2 blocks, ${r.txs} txs re-executed from L1 data (to L1 block ${r.l1Block}) in ${s}s; ` +
        `head ${r.head.number} ${r.head.hash}, output root ${r.outputRoot}: all output roots match\n`,
    )
    if (!temp) process.stdout.write(`derived chain kept in ${dataDir}\n`)
    return 0
  } catch (err) {
    progress.stop()
    if (err instanceof DerivationError) {
      process.stderr.write(`DIVERGED: ${err.message}\n`)
      return 1
    }
    if (err instanceof DataDirNotEmptyError) {
      process.stderr.write(`${err.message}\n`)
      return 2
    }
    // Ours carry their details in the message; viem's message is long, its shortMessage says it.
    const text =
      err instanceof BaseError
        ? err.message
        : ((err as { shortMessage?: string }).shortMessage ?? (err as Error)?.message ?? String(err))
    process.stderr.write(`could not verify: ${text}\n`)
    return 3
  } finally {
    if (temp) rmSync(dataDir, { recursive: true, force: true })
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(3)
  },
)
