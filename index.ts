// The package's public API for dApps, scripts and tests. The package is TypeScript source (no build step): import
// it from a runtime or bundler that compiles TypeScript — tsx, bun, Deno, vite, vitest, Next.js with
// transpilePackages. Nothing here uses a Node built-in; `parallel-rollup/deployments` (Node) reads the file a
// devnet records its L1 addresses in.
export type { L1Deployments } from './contracts/deploy.ts'
export { depositBridgeAbi } from './contracts/generated/DepositBridge.ts'
export { rollupAbi } from './contracts/generated/Rollup.ts'
export { DEV_MNEMONIC, type DevAccount, devAccounts } from './core/chain/devAccounts.ts'
export {
  type CreateDevnetChainParameters,
  createDevnetChain,
  DEVNET_CHAIN_ID,
  DEVNET_L1_CHAIN_ID,
  devnet,
  devnetL1,
  devnetL1Addresses,
} from './core/chain/devnet.ts'
