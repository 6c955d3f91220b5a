// The devnet as viem chains, for dApps, scripts and tests: `devnet` (the L2, what wallets connect to) and
// `devnetL1` (the Anvil that `npm start` runs as L1), with the rollup's L1 contracts on the L2 chain the way viem
// describes OP Stack chains (`contracts.<name>[sourceId]`, `sourceId` = the L1's chain id).
//
// No Node built-ins here, so a browser bundle can import it (`parallel-rollup/chain`). The defaults are those of
// core/config/config.ts; devnet.test.ts fails if the two drift apart.
import { type Address, type Chain, defineChain } from 'viem'
import type { L1Deployments } from '../../contracts/deploy.ts'

/** The devnet L2's chain id (`CHAIN_ID`'s default). */
export const DEVNET_CHAIN_ID = 901901
/** The devnet L1's chain id (`L1_CHAIN_ID`'s default: Anvil's). */
export const DEVNET_L1_CHAIN_ID = 31337

/**
 * Where a fresh devnet deploys the rollup on L1: `npm start` deploys Rollup and then DepositBridge from the default
 * `DEPLOYER_PRIVATE_KEY` (Anvil account 0) as the first two transactions of a new Anvil, so they land at that
 * account's CREATE addresses for nonces 0 and 1. They differ only on an L1 where that account had sent
 * transactions before (`L1_RPC_URL` pointing at another chain); then read `DATA_DIR/deployments.json`.
 */
export const devnetL1Addresses = {
  rollup: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  depositBridge: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
} as const satisfies Record<string, Address>

/** Parameters of `createDevnetChain`. */
export type CreateDevnetChainParameters = {
  /** the L2's chain id (default 901901) */
  id?: number
  /** JSON-RPC over HTTP (default http://127.0.0.1:8545) */
  rpcUrl?: string
  /** JSON-RPC over WebSocket (default: `rpcUrl` with ws:// — the node serves both on one port) */
  wsUrl?: string
  /** the recorded deployment (`readDevnetDeployments()`); default: a fresh devnet's `devnetL1Addresses` */
  deployments?: Pick<L1Deployments, 'l1ChainId' | 'rollup' | 'bridge' | 'deployBlock'>
}

/** A viem chain for a parallel-rollup L2: the devnet's by default, or another node and deployment. */
export function createDevnetChain({
  id = DEVNET_CHAIN_ID,
  rpcUrl,
  wsUrl,
  deployments,
}: CreateDevnetChainParameters = {}) {
  const http = rpcUrl ?? 'http://127.0.0.1:8545'
  const l1ChainId = deployments?.l1ChainId ?? DEVNET_L1_CHAIN_ID
  const created = deployments ? { blockCreated: Number(deployments.deployBlock) } : {}
  return defineChain({
    id,
    name: 'parallel-rollup devnet',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [http], webSocket: [wsUrl ?? http.replace(/^http/, 'ws')] } },
    contracts: {
      rollup: { [l1ChainId]: { address: deployments?.rollup ?? devnetL1Addresses.rollup, ...created } },
      depositBridge: {
        [l1ChainId]: { address: deployments?.bridge ?? devnetL1Addresses.depositBridge, ...created },
      },
    },
    sourceId: l1ChainId,
    testnet: true,
  })
}

/** The devnet L2 as `npm start` runs it: chain id 901901, http://127.0.0.1:8545 and ws://127.0.0.1:8545. */
export const devnet = createDevnetChain()

/** The devnet's L1: the Anvil `npm start` runs on http://127.0.0.1:8546 (chain id 31337). */
export const devnetL1: Chain = defineChain({
  id: DEVNET_L1_CHAIN_ID,
  name: 'parallel-rollup devnet L1 (Anvil)',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: ['http://127.0.0.1:8546'], webSocket: ['ws://127.0.0.1:8546'] } },
  testnet: true,
})
