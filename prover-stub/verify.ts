// `npm run verify -- [--l1 URL] [--rollup ADDR [--deploy-block N] | --deployments FILE] [--data-dir DIR]`
//
// Re-derives the whole L2 chain from L1 data alone into an empty directory (a temporary one unless
// --data-dir is given) and checks every batch's output root. Exit status: 0 every batch matches,
// 1 derivation diverged (the first divergence is named), 2 usage or configuration error, 3 could
// not verify (the L1 is unreachable, or another failure).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type Address, isAddress } from 'viem'
import { readDeployments } from '../contracts/deploy.ts'
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
environment, as for the sequencer. Exit status: 0 all batches match, 1 diverged, 2 usage, 3 could not verify.`

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
  try {
    const r = await deriveFromL1({
      l1RpcUrl: l1,
      rollup,
      bridge,
      deployBlock,
      dataDir,
      config,
      log,
      onBatch: (b) => {
        process.stdout.write(
          `batch ${b.index}: blocks ${b.firstBlock}-${b.lastBlock} (${b.blocks}), ${b.txs} txs, output root ${short(b.outputRoot)} OK\n`,
        )
      },
    })
    const s = ((performance.now() - t0) / 1000).toFixed(1)
    process.stdout.write(
      `verified ${r.batches} batches: ${r.blocks} L2 blocks, ${r.txs} txs re-executed from L1 data (to L1 block ${r.l1Block}) in ${s}s; ` +
        `head ${r.head.number} ${r.head.hash}, output root ${r.outputRoot}: all output roots match\n`,
    )
    if (!temp) process.stdout.write(`derived chain kept in ${dataDir}\n`)
    return 0
  } catch (err) {
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
