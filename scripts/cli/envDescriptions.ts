import { readFileSync } from 'node:fs'
import { configSchema } from '../../core/config/config.ts'

/** A config key: one environment variable of `configSchema`. */
export type ConfigKey = keyof typeof configSchema.shape

/**
 * `.env.example` is the documented list of variables (each with its default and, mostly, a comment); these lines
 * fill its gaps (a line without a comment) or say more than its comment does. cli.test.ts checks that every key of
 * `configSchema` gets a line from one or the other, so a new variable cannot go undescribed in `--help`.
 */
export const envDescriptions: Readonly<Partial<Record<ConfigKey, string>>> = {
  RPC_PORT: 'JSON-RPC port (HTTP and WebSocket)',
  BLOCK_GAS_LIMIT: 'gas limit of every block',
  GENESIS_TIMESTAMP: 'timestamp of block 0',
  MEMPOOL_MAX_PER_SENDER: 'pool cap per sender',
  RPC_MAX_BODY_BYTES: 'largest JSON-RPC request body',
  RPC_MAX_BATCH: 'most calls in one JSON-RPC batch',
  LOG_LEVEL: 'trace | debug | info | warn | error | fatal | silent',
  ANVIL_PORT: "the devnet Anvil's port",
  DEPLOYER_PRIVATE_KEY: 'deploys the L1 contracts (default: Anvil account 0)',
  BATCHER_PRIVATE_KEY: 'posts batches to L1 (default: Anvil account 1)',
  PROVER_PRIVATE_KEY: 'attests batches on L1 (default: Anvil account 2)',
  BATCHER_PRIVATE_KEY_FILE: 'read the batcher key from this file instead',
  PROVER_PRIVATE_KEY_FILE: 'read the prover key from this file instead',
  BRIDGE_ADDRESS: 'an existing DepositBridge (with ROLLUP_ADDRESS)',
  L1_DEPLOY_BLOCK: 'L1 block the contracts were deployed in (where log scans start)',
}

/** `KEY=value   # comment` lines of an `.env` file: the comment of each key that has one. */
export function readEnvComments(text: string): Map<string, string> {
  const comments = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=\S*\s+#\s*(.+)$/.exec(line.trim())
    if (m) comments.set(m[1], m[2].trim())
  }
  return comments
}

let fromEnvExample: Map<string, string> | undefined

/** The one-line description of `key` for `--help`: the line above, else its `.env.example` comment. */
export function describeEnv(key: ConfigKey): string | undefined {
  if (!fromEnvExample) {
    let text = ''
    try {
      text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
    } catch {
      // a copy without .env.example: the lines above alone
    }
    fromEnvExample = readEnvComments(text)
  }
  return envDescriptions[key] ?? fromEnvExample.get(key)
}

/** Every key of `configSchema`, in the order it declares them. */
export const configKeys = Object.keys(configSchema.shape) as ConfigKey[]
