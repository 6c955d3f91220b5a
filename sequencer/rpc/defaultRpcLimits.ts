import type { RpcLimits } from './types.ts'

/** geth's defaults where geth has one, so clients tuned against geth fit. */
export const defaultRpcLimits: Readonly<RpcLimits> = Object.freeze({
  maxBatchSize: 1000,
  maxBatchResponseBytes: 25_000_000,
  maxBodyBytes: 5 * 1024 * 1024,
  maxWsMessageBytes: 32 * 1024 * 1024,
  maxSubscriptionsPerConnection: 1000,
  callTimeoutMs: 30_000,
  wsPingIntervalMs: 30_000,
  maxWsBufferedBytes: 64 * 1024 * 1024,
  shutdownTimeoutMs: 10_000,
  // geth has no connection cap; these only stop one address (or a flood of them) from exhausting sockets.
  maxWsConnections: 10_000,
  maxWsConnectionsPerClient: 1_000,
  // Off, as in geth: a devnet node serves load tests that send thousands of calls a second from one address.
  rateLimitPerSecond: 0,
  rateLimitBurst: 0,
})
