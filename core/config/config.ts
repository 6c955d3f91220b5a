import { readFileSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { z } from 'zod'
import { BaseError } from '../errors/base.ts'

/** Thrown when the environment does not describe a valid configuration; lists every problem at once. */
export class ConfigError extends BaseError {
  override name = 'ConfigError' as const
  readonly issues: string[]
  constructor({ issues }: { issues: string[] }) {
    super('invalid configuration', { metaMessages: issues })
    this.issues = issues
  }
}

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def)
const big = (def: bigint) =>
  z
    .union([z.string(), z.number(), z.bigint()])
    .default(def)
    .transform((v, ctx) => {
      try {
        const n = BigInt(v)
        if (n < 0n) throw new Error('negative')
        return n
      } catch {
        ctx.addIssue({ code: 'custom', message: `not a non-negative integer: ${String(v)}` })
        return z.NEVER
      }
    })

const hexKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte hex private key')
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 20-byte hex address')

/** The variables that hold private keys: each may instead be read from the file named by `<NAME>_FILE`. */
export const PRIVATE_KEY_VARIABLES = ['DEPLOYER_PRIVATE_KEY', 'BATCHER_PRIVATE_KEY', 'PROVER_PRIVATE_KEY'] as const

/**
 * Replaces `input[NAME]` with the contents of the file `input[NAME_FILE]` (hex, with or without 0x; one
 * trailing newline allowed). As ssh does for its keys, the file must not be readable by group or others.
 * Returns the problems found; the key itself never appears in them.
 */
function readPrivateKeyFiles(input: Record<string, string>): string[] {
  const issues: string[] = []
  for (const name of PRIVATE_KEY_VARIABLES) {
    const file = input[`${name}_FILE`]
    if (file === undefined) continue
    if (input[name] !== undefined) {
      issues.push(`${name}_FILE: set ${name} or ${name}_FILE, not both`)
      continue
    }
    try {
      const mode = statSync(file).mode & 0o777
      if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
        issues.push(`${name}_FILE: ${file} is accessible to other users (mode ${mode.toString(8)}); chmod 600 it`)
        continue
      }
      const text = readFileSync(file, 'utf8').trim()
      input[name] = /^[0-9a-fA-F]{64}$/.test(text) ? `0x${text}` : text
    } catch (err) {
      issues.push(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
    }
  }
  return issues
}

/** The private keys of a configuration, for the logger to scrub from every line it writes (core/log). */
export function privateKeysOf(config: Config): string[] {
  return PRIVATE_KEY_VARIABLES.map((name) => config[name])
}

/** Every environment variable the node reads, with its default (mirrored in `.env.example`). */
export const configSchema = z.object({
  CHAIN_ID: int(901901, 1),
  RPC_HOST: z.string().default('127.0.0.1'),
  RPC_PORT: int(8545),
  DATA_DIR: z.string().default('./data'),
  BLOCK_TIME_MS: int(250, 10),
  IDLE_BLOCK_MS: int(2000, 50),
  BLOCK_GAS_LIMIT: big(30_000_000n),
  BLOCK_MAX_TXS: int(5000, 1),
  /** a block with at least this many txs makes the next one wait BLOCK_TIME_MS; a lighter one does not */
  BLOCK_SPACING_MIN_TXS: int(16, 1),
  MIN_BASE_FEE: big(1_000_000n),
  GENESIS_BASE_FEE: big(1_000_000_000n),
  GENESIS_TIMESTAMP: int(0),
  COINBASE: address.default('0x4200000000000000000000000000000000000011'),
  STATE_HISTORY_BLOCKS: int(128, 128),
  MEMPOOL_MAX_TXS: int(10_000, 1),
  MEMPOOL_MAX_PER_SENDER: int(256, 1),
  MEMPOOL_MAX_NONCE_GAP: int(64, 1),
  PRICE_BUMP_PERCENT: int(10, 1),
  RPC_MAX_BODY_BYTES: int(5 * 1024 * 1024, 1024),
  RPC_MAX_BATCH: int(1000, 1),
  RPC_GAS_CAP: big(50_000_000n),
  LOG_MAX_RANGE: int(10_000, 1),
  LOG_MAX_RESULTS: int(10_000, 1),
  FILTER_TIMEOUT_MS: int(5 * 60_000, 1000),
  CORS_ORIGINS: z.string().default('*'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  EXECUTOR_WORKERS: int(availableParallelism(), 0),
  EXECUTOR_MIN_PARALLEL_TXS: int(16, 1),
  /** threads recovering the senders of incoming txs (0: on the main thread) */
  INTAKE_RECOVERY_THREADS: int(1, 0),
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  // --- limits and security (docs/security.md)
  /** JSON-RPC calls per second per client address, each call of a batch counted; 0 = no limit (npm run load sends ~5k/s) */
  RPC_RATE_LIMIT: int(0),
  /** calls a client may make at once after being idle (token bucket size); 0 = RPC_RATE_LIMIT */
  RPC_RATE_BURST: int(0),
  RPC_WS_MAX_CONNECTIONS: int(10_000, 1),
  RPC_WS_MAX_CONNECTIONS_PER_IP: int(1_000, 1),
  RPC_WS_MAX_SUBSCRIPTIONS: int(1_000, 1),
  RPC_WS_MAX_MESSAGE_BYTES: int(32 * 1024 * 1024, 1024),
  /** a call still running after this long is answered -32002 'request timed out'; 0 = never */
  RPC_CALL_TIMEOUT_MS: int(30_000),
  /** results of one batch past this size are answered -32003 'response too large' */
  RPC_BATCH_RESPONSE_MAX_BYTES: int(25_000_000, 1024),
  /** most installed polling filters (eth_new*Filter) at once, all clients together */
  FILTER_MAX: int(10_000, 1),

  // --- admin, metrics, dashboard (docs/operations.md)
  /** the admin server (/metrics, the dashboard, the queue board); a loopback address unless ADMIN_ALLOW_PUBLIC */
  ADMIN_HOST: z.string().default('127.0.0.1'),
  /** 0 = any free port (logged) */
  ADMIN_PORT: int(8547),
  /** 'true' lets ADMIN_HOST be a non-loopback address: the admin port has no authentication */
  ADMIN_ALLOW_PUBLIC: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** the prover's /metrics, on ADMIN_HOST; 0 = any free port */
  PROVER_METRICS_PORT: int(8548),
  /** the dashboard links L1 transactions to `${L1_EXPLORER_URL}/tx/<hash>` (e.g. https://sepolia.etherscan.io) */
  L1_EXPLORER_URL: z.url({ protocol: /^https?$/ }).optional(),

  // --- L1 settlement (unset L1_RPC_URL: `npm start` runs Anvil itself; `sequencer/main.ts` alone then runs L2 only)
  L1_RPC_URL: z.url({ protocol: /^(https?|wss?)$/ }).optional(),
  ANVIL_HOST: z.string().default('127.0.0.1'),
  ANVIL_PORT: int(8546, 1),
  L1_CHAIN_ID: int(31337, 1),
  L1_BLOCK_TIME: int(1, 1),
  L1_CONFIRMATIONS: int(2, 1),
  L1_POLL_MS: int(1000, 50),
  /** blocks behind the L1 head within which posted batches are re-checked for reorgs */
  L1_REORG_WINDOW: int(64, 1),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix: two devnets sharing one Redis need different prefixes */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('parallel-rollup'),
  DEPLOYER_PRIVATE_KEY: hexKey.default('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'),
  BATCHER_PRIVATE_KEY: hexKey.default('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'),
  PROVER_PRIVATE_KEY: hexKey.default('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'),
  /** read the key from this file instead (mode 0600 or stricter), so it stays out of the environment */
  DEPLOYER_PRIVATE_KEY_FILE: z.string().optional(),
  BATCHER_PRIVATE_KEY_FILE: z.string().optional(),
  PROVER_PRIVATE_KEY_FILE: z.string().optional(),
  ROLLUP_ADDRESS: address.optional(),
  BRIDGE_ADDRESS: address.optional(),
  /** L1 block the contracts were deployed in (where log scans start); with ROLLUP_ADDRESS */
  L1_DEPLOY_BLOCK: int(0),
  /** default: DATA_DIR/deployments.json */
  DEPLOYMENTS_FILE: z.string().optional(),
  /** chain rule: a deposit is forced into the first L2 block whose L1 origin is this many L1 blocks past it */
  DEPOSIT_DEADLINE: int(32, 1),
  /** chain rule: an L2 block's L1 origin may lag the L1 block that carries its batch by at most this much */
  SEQUENCING_WINDOW: int(3600, 2),
  /** most deposits per L2 block (due deposits are included regardless) */
  DEPOSITS_PER_BLOCK: int(256, 1),
  BATCH_MAX_BYTES: int(120_000, 1024),
  BATCH_MAX_AGE_MS: int(5_000, 100),
  /** fee-bump a batch post not mined after this long */
  POST_RESUBMIT_MS: int(4_000, 500),
  POST_MAX_BUMPS: int(8, 0),
})

/** The validated, frozen configuration handed to every factory. */
export type Config = Readonly<z.output<typeof configSchema>>

/** Reads and validates the configuration from `env` in full, reporting all problems at once. */
export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string> = {}
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key]
    if (value !== undefined && value !== '') input[key] = value
  }
  const keyIssues = readPrivateKeyFiles(input)
  const parsed = configSchema.safeParse(input)
  if (!parsed.success || keyIssues.length > 0)
    throw new ConfigError({
      issues: [...keyIssues, ...(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [])],
    })
  if (parsed.data.CHAIN_ID === 31337)
    throw new ConfigError({ issues: ['CHAIN_ID: 31337 is Anvil/Hardhat’s; pick a chain id of this network’s own'] })
  return Object.freeze(parsed.data)
}

/**
 * For entry points: the configuration, or exit 2 with every problem on stderr. `check` adds the
 * entry point's own requirements (throw a BaseError to refuse).
 */
export function readConfigOrExit(check?: (config: Config) => void): Config {
  try {
    const config = readConfig()
    check?.(config)
    return config
  } catch (err) {
    process.stderr.write(`${err instanceof BaseError ? err.message : String(err)}\n`)
    process.exit(2)
  }
}
