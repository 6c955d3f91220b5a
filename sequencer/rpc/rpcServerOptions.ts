import type { Config } from '../../core/config/config.ts'
import type { RpcCorsOptions } from './server.ts'
import type { RpcLimits } from './types.ts'

/** What {@link rpcServerOptions} returns: the part of `createRpcServer`'s parameters the configuration decides. */
export type RpcServerOptions = { host: string; port: number; limits: Partial<RpcLimits>; cors: RpcCorsOptions }

/** Maps the configuration's RPC variables (RPC_*, CORS_ORIGINS) onto `createRpcServer`'s options. */
export function rpcServerOptions(config: Config): RpcServerOptions {
  return {
    host: config.RPC_HOST,
    port: config.RPC_PORT,
    limits: {
      maxBodyBytes: config.RPC_MAX_BODY_BYTES,
      maxBatchSize: config.RPC_MAX_BATCH,
      maxBatchResponseBytes: config.RPC_BATCH_RESPONSE_MAX_BYTES,
      callTimeoutMs: config.RPC_CALL_TIMEOUT_MS,
      maxWsMessageBytes: config.RPC_WS_MAX_MESSAGE_BYTES,
      maxSubscriptionsPerConnection: config.RPC_WS_MAX_SUBSCRIPTIONS,
      maxWsConnections: config.RPC_WS_MAX_CONNECTIONS,
      maxWsConnectionsPerClient: config.RPC_WS_MAX_CONNECTIONS_PER_IP,
      rateLimitPerSecond: config.RPC_RATE_LIMIT,
      rateLimitBurst: config.RPC_RATE_BURST,
    },
    cors: {
      origins:
        config.CORS_ORIGINS.trim() === '*'
          ? '*'
          : config.CORS_ORIGINS.split(',')
              .map((s) => s.trim())
              .filter((s) => s !== ''),
    },
  }
}
