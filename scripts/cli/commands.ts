import { type ConfigKey, configKeys } from './envDescriptions.ts'

/** One subcommand of `parallel-rollup`: which module runs it and what its `--help` says. */
export type Command = {
  name: string
  /** one line for the command table */
  summary: string
  /** the module that runs it, relative to the repository root; it does its work when imported */
  entry: string
  /** the npm script that runs the same module */
  npm?: string
  /** what follows `parallel-rollup <name>` in the usage line */
  usage: string
  /** the module's own flags, for modules that print no usage of their own */
  flags?: readonly string[]
  /** the module prints its own usage on `--help`: the CLI prints its part first, then hands over */
  ownHelp?: boolean
  /** the module parses its own arguments: what the CLI does not know passes through to it */
  passThrough?: boolean
  /** the module's own flags that shadow a common flag of the same name (which then passes through) */
  shadows?: readonly string[]
  /** the environment variables it reads */
  env: readonly ConfigKey[]
  /** a line under the variables (which of them matter, who else reads them) */
  envNote?: string
  /** variables outside the configuration it reads, one `NAME=default  what` line each */
  otherEnv?: readonly string[]
  /** the module may be missing from a checkout: the command then says so instead of failing to import */
  optional?: boolean
}

const allKeys = configKeys
/** Read only by the devnet, which runs Anvil itself. */
const anvilKeys: readonly ConfigKey[] = ['ANVIL_HOST', 'ANVIL_PORT', 'L1_CHAIN_ID', 'L1_BLOCK_TIME']
/** The settlement part of the configuration: unused by an L2-only node. */
const l1Keys: readonly ConfigKey[] = [
  'L1_RPC_URL',
  ...anvilKeys,
  'L1_CONFIRMATIONS',
  'L1_POLL_MS',
  'L1_REORG_WINDOW',
  'REDIS_URL',
  'QUEUE_PREFIX',
  'DEPLOYER_PRIVATE_KEY',
  'BATCHER_PRIVATE_KEY',
  'PROVER_PRIVATE_KEY',
  'DEPLOYER_PRIVATE_KEY_FILE',
  'BATCHER_PRIVATE_KEY_FILE',
  'PROVER_PRIVATE_KEY_FILE',
  'ROLLUP_ADDRESS',
  'BRIDGE_ADDRESS',
  'L1_DEPLOY_BLOCK',
  'DEPLOYMENTS_FILE',
  'DEPOSIT_DEADLINE',
  'SEQUENCING_WINDOW',
  'DEPOSITS_PER_BLOCK',
  'BATCH_MAX_BYTES',
  'BATCH_MAX_AGE_MS',
  'POST_RESUBMIT_MS',
  'POST_MAX_BUMPS',
]
/** What fixes the L2 genesis and the block rules: a verifier needs the sequencer's values. */
const chainKeys: readonly ConfigKey[] = [
  'CHAIN_ID',
  'GENESIS_BASE_FEE',
  'GENESIS_TIMESTAMP',
  'COINBASE',
  'BLOCK_GAS_LIMIT',
  'MIN_BASE_FEE',
  'DEPOSIT_DEADLINE',
  'SEQUENCING_WINDOW',
]
/** What `load --node` sets itself on the node it starts. */
const loadFixedKeys: readonly ConfigKey[] = [
  'RPC_HOST',
  'RPC_PORT',
  'DATA_DIR',
  'CHAIN_ID',
  'BLOCK_TIME_MS',
  'LOG_LEVEL',
]

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  {
    name: 'devnet',
    summary: 'the whole devnet: Redis, Anvil as L1, the contracts, the sequencer + batch poster, the prover',
    entry: 'scripts/devnet.ts',
    npm: 'npm start',
    usage: '[flags]',
    env: allKeys,
  },
  {
    name: 'sequencer',
    summary: 'the L2 node alone (with L1_RPC_URL also the batcher, the poster and the deposit watcher)',
    entry: 'sequencer/main.ts',
    npm: 'npm run sequencer',
    usage: '[flags]',
    env: allKeys.filter((k) => !anvilKeys.includes(k)),
  },
  {
    name: 'prover',
    summary: 'the prover alone: follows L1, re-executes every batch, attests or disputes it',
    entry: 'prover-stub/main.ts',
    npm: 'npm run prover',
    usage: '[flags]',
    env: [
      ...chainKeys,
      'DATA_DIR',
      'STATE_HISTORY_BLOCKS',
      'SQLITE_SYNCHRONOUS',
      'L1_RPC_URL',
      'L1_POLL_MS',
      'L1_CONFIRMATIONS',
      'ROLLUP_ADDRESS',
      'BRIDGE_ADDRESS',
      'L1_DEPLOY_BLOCK',
      'DEPLOYMENTS_FILE',
      'REDIS_URL',
      'QUEUE_PREFIX',
      'PROVER_PRIVATE_KEY',
      'PROVER_PRIVATE_KEY_FILE',
      'POST_RESUBMIT_MS',
      'LOG_LEVEL',
    ],
    envNote: 'L1_RPC_URL is required; the rollup comes from ROLLUP_ADDRESS or the deployments file (waited for).',
  },
  {
    name: 'verify',
    summary: 'derive the whole L2 chain from L1 data alone and check every output root',
    entry: 'prover-stub/verify.ts',
    npm: 'npm run verify',
    usage: '[--l1 URL] [--rollup ADDRESS --bridge ADDRESS [--deploy-block N] | --deployments FILE] [--data-dir DIR]',
    ownHelp: true,
    passThrough: true,
    shadows: ['data-dir'],
    env: [
      ...chainKeys,
      'L1_RPC_URL',
      'ROLLUP_ADDRESS',
      'BRIDGE_ADDRESS',
      'L1_DEPLOY_BLOCK',
      'DEPLOYMENTS_FILE',
      'LOG_LEVEL',
    ],
    envNote: 'The chain variables must be the sequencer’s. LOG_LEVEL defaults to warn here.',
  },
  {
    name: 'bench',
    summary: 'executor benchmark: sequential vs parallel on pre-signed blocks, every phase timed',
    entry: 'bench/executor.ts',
    npm: 'npm run bench',
    usage: '[--json] [--runs N] [--workers LIST] [--only LIST] [--scale X]',
    flags: [
      '--json                one JSON object on stdout instead of the table',
      '--runs N              runs per mode; medians (default 3)',
      '--workers LIST        parallel worker counts, comma-separated (default 1..CPU cores)',
      '--only LIST           workloads: eth-transfers,erc20-transfers,uniswap-one-pair,mixed (default all)',
      '--scale X             block size factor (default 1)',
    ],
    passThrough: true,
    shadows: ['workers'],
    env: [],
    otherEnv: ['BENCH_DEBUG=         print the executor stats of every run'],
  },
  {
    name: 'load',
    summary: 'end-to-end load: pre-signed txs over JSON-RPC to a node (and Anvil), every receipt checked',
    entry: 'bench/load/main.ts',
    npm: 'npm run load',
    usage: '[--rpc URL | --node] [--compare-anvil] [--workload NAME] [--senders S] [--txs-per-sender K] ...',
    ownHelp: true,
    passThrough: true,
    env: allKeys.filter((k) => !l1Keys.includes(k) && !loadFixedKeys.includes(k)),
    envNote: `For the node it starts (--node); it sets ${loadFixedKeys.join(', ')} itself.`,
  },
  {
    name: 'conformance',
    summary: 'every ethereum/tests BlockchainTest under a directory, through the sequential and parallel executors',
    entry: 'executor/conformance/main.ts',
    npm: 'npm run conformance',
    usage: '[DIR] [--mode sequential|parallel|both]',
    flags: [
      'DIR                   fixtures (default ../shared/fixtures/ethereum-tests/BlockchainTests)',
      '--mode MODE           sequential | parallel | both (default both)',
    ],
    passThrough: true,
    env: [],
    otherEnv: ['CONFORMANCE_WORKERS=2  worker threads of the parallel executor'],
  },
  {
    name: 'chaos',
    summary:
      'fault injection on a devnet of its own: kills, L1/Redis outages, reorgs, hostile input (scripts/chaos/main.ts)',
    entry: 'scripts/chaos/main.ts',
    usage: '[flags of scripts/chaos/main.ts]',
    passThrough: true,
    ownHelp: true,
    optional: true,
    env: [],
    envNote: 'See scripts/chaos/main.ts.',
  },
]

/** The command named `name`, if there is one. */
export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name)
}
