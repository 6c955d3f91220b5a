import { resolve } from 'node:path'
import { configSchema } from '../../core/config/config.ts'
import type { ConfigKey } from './envDescriptions.ts'
import { CliUsageError } from './errors.ts'

/** A flag that stands for one environment variable. */
export type CommonFlag = {
  /** the long name, without `--` */
  flag: string
  key: ConfigKey
  /** placeholder for the value in `--help` */
  value: string
  /** a path: resolved against the current directory, so a child process started elsewhere agrees */
  path?: boolean
}

/** Flags that set environment variables; a command offers those whose variable it reads. */
export const commonFlags: readonly CommonFlag[] = [
  { flag: 'data-dir', key: 'DATA_DIR', value: 'DIR', path: true },
  { flag: 'rpc-host', key: 'RPC_HOST', value: 'HOST' },
  { flag: 'rpc-port', key: 'RPC_PORT', value: 'PORT' },
  { flag: 'chain-id', key: 'CHAIN_ID', value: 'ID' },
  { flag: 'l1-rpc-url', key: 'L1_RPC_URL', value: 'URL' },
  { flag: 'anvil-port', key: 'ANVIL_PORT', value: 'PORT' },
  { flag: 'redis-url', key: 'REDIS_URL', value: 'URL' },
  { flag: 'workers', key: 'EXECUTOR_WORKERS', value: 'N' },
  { flag: 'log-level', key: 'LOG_LEVEL', value: 'LEVEL' },
]

/** Variables holding a path, resolved like `--data-dir` when given with `--set`. */
const pathKeys: ReadonlySet<string> = new Set<ConfigKey>(['DATA_DIR', 'DEPLOYMENTS_FILE'])

/** Parameters of `flagsToEnv`. */
export type FlagsToEnvParameters = {
  /** values of the common flags given, by flag name */
  flags: Readonly<Record<string, string | undefined>>
  /** the `--set KEY=VALUE` arguments, in order */
  set?: readonly string[]
  /** the variables the command reads: `--set` of another one is refused */
  allowed: readonly ConfigKey[]
  /** base of relative paths (default: the current directory) */
  cwd?: string
}

/**
 * The environment variables a command line asks for: `--set KEY=VALUE` first, then the named flags (a named flag
 * wins over a `--set` of the same variable). The caller lays them over `process.env`, so flags win over the
 * environment. Throws `CliUsageError` listing every bad `--set`.
 */
export function flagsToEnv({ flags, set = [], allowed, cwd = process.cwd() }: FlagsToEnvParameters) {
  const env: Partial<Record<ConfigKey, string>> = {}
  const problems: string[] = []
  for (const arg of set) {
    const eq = arg.indexOf('=')
    const key = eq > 0 ? arg.slice(0, eq) : arg
    if (eq <= 0) problems.push(`--set ${arg}: expected KEY=VALUE`)
    else if (!(key in configSchema.shape)) problems.push(`--set ${arg}: ${key} is not a configuration variable`)
    else if (!allowed.includes(key as ConfigKey)) problems.push(`--set ${arg}: this command does not read ${key}`)
    else env[key as ConfigKey] = pathKeys.has(key) ? resolve(cwd, arg.slice(eq + 1)) : arg.slice(eq + 1)
  }
  for (const f of commonFlags) {
    const value = flags[f.flag]
    if (value === undefined) continue
    env[f.key] = f.path ? resolve(cwd, value) : value
  }
  if (problems.length) throw new CliUsageError('invalid --set', { metaMessages: problems })
  return env
}
