import type { Address, Hash, Hex } from 'viem'

/** Who is calling: handlers may use it for per-client accounting; `clientId` is `remoteAddress:remotePort` of the TCP connection. */
export type RpcCallContext = {
  readonly transport: 'http' | 'ws'
  readonly clientId: string
}

/**
 * One JSON-RPC method. `params` is always an array (an omitted or null `params` arrives as `[]`).
 * Returns a JSON-ready value (hex strings, plain objects, arrays, booleans, null); `undefined` is sent as `null`.
 * Throw a `BaseError` subclass to answer with an error; `toRpcError` picks the code.
 */
export type RpcHandler = (params: readonly unknown[], ctx: RpcCallContext) => unknown | Promise<unknown>

/** Method name → handler, e.g. `{ eth_chainId: () => '0x1' }`. */
export type MethodTable = Readonly<Record<string, RpcHandler>>

/** A log as JSON-RPC returns it (eth_getLogs, `logs` subscriptions): every number is a hex quantity. */
export type RpcLog = {
  address: Address
  topics: Hash[]
  data: Hex
  blockNumber: Hex
  blockHash: Hash
  transactionHash: Hash
  transactionIndex: Hex
  logIndex: Hex
  removed: boolean
}

/** The error object of a JSON-RPC response. */
export type RpcErrorObject = {
  code: number
  message: string
  data?: unknown
}

/**
 * What the WebSocket layer listens to for `eth_subscribe`. Each `on*` returns its unsubscribe function.
 * Listeners are called synchronously by the emitter and must not throw back into it; the server guards that.
 */
export interface ChainEvents {
  /** A new canonical head; `header` is the JSON-RPC block header exactly as `eth_getBlockByNumber(…, false)` returns it minus `transactions`. */
  onNewHead(fn: (header: Record<string, unknown>) => void): () => void
  /** The logs of a newly sealed block, in block order. */
  onLogs(fn: (logs: RpcLog[]) => void): () => void
  /** A transaction accepted into the pool. */
  onPendingTransaction(fn: (hash: Hex) => void): () => void
}

/** Transport limits; every field has a geth-derived default in `defaultRpcLimits`. */
export type RpcLimits = {
  /** Most calls in one batch (geth `--rpc.batch-request-limit`, 1000); over it the batch is answered with one -32600 'batch too large'. */
  maxBatchSize: number
  /** Most bytes of results in one batch response (geth `--rpc.batch-response-max-size`, 25 MB); calls past it get -32003 'response too large'. */
  maxBatchResponseBytes: number
  /** Largest HTTP request body (geth: 5 MiB); over it the answer is HTTP 413, as geth does. */
  maxBodyBytes: number
  /** Largest WebSocket message (geth: 32 MiB); over it the connection is closed with 1009. */
  maxWsMessageBytes: number
  /** Most live subscriptions on one WebSocket connection (geth has none); over it -32005. */
  maxSubscriptionsPerConnection: number
  /** A call still running after this many ms is answered -32002 'request timed out' (geth's HTTP timeout, 30 s); 0 disables. */
  callTimeoutMs: number
  /** WebSocket ping interval (geth: 30 s); a client that has not answered the previous ping is dropped. */
  wsPingIntervalMs: number
  /** A WebSocket client whose unsent data exceeds this many bytes is too slow and is dropped, so it cannot exhaust memory. */
  maxWsBufferedBytes: number
  /** How long `close()` waits for in-flight HTTP requests before cutting connections. */
  shutdownTimeoutMs: number
  /** Most open WebSocket connections in total; over it the upgrade is refused with HTTP 503. */
  maxWsConnections: number
  /** Most open WebSocket connections from one client address (an IPv6 /64 counts as one); over it HTTP 429. */
  maxWsConnectionsPerClient: number
  /**
   * Calls per second one client address may make, each call of a batch counted (token bucket); over it a
   * call is answered -32005 'request rate limit exceeded', and an HTTP request refused outright gets status
   * 429 with Retry-After. 0 disables the limit.
   */
  rateLimitPerSecond: number
  /** Token bucket size: calls a client may make at once after being idle; 0 means `rateLimitPerSecond`. */
  rateLimitBurst: number
}
