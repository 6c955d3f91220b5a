import { performance } from 'node:perf_hooks'
import { toRpcError } from '../rpc/toRpcError.ts'
import type { MethodTable, RpcHandler } from '../rpc/types.ts'
import type { NodeMetrics } from './createNodeMetrics.ts'

/**
 * Wraps every handler of `methods` to time it (`rollup_rpc_request_duration_seconds{method}`) and count its
 * errors by JSON-RPC code (`rollup_rpc_errors_total{method,code}`). Only known method names become labels.
 * A handler still starts synchronously and a synchronous result stays synchronous: the dispatcher relies on
 * both (request order into the pool; no promise for the timeout race). Calls refused before a handler runs
 * (-32700, -32600, -32601, rate limits) are not seen here.
 */
export function observeRpcMethods(methods: MethodTable, metrics: Pick<NodeMetrics, 'rpcDuration' | 'rpcErrors'>) {
  const wrapped: Record<string, RpcHandler> = {}
  for (const [method, handler] of Object.entries(methods)) {
    const duration = metrics.rpcDuration.labels(method)
    const failed = (err: unknown) => {
      metrics.rpcErrors.inc({ method, code: String(toRpcError(err).code) })
    }
    wrapped[method] = (params, ctx) => {
      const started = performance.now()
      let out: unknown
      try {
        out = handler(params, ctx)
      } catch (err) {
        duration.observe((performance.now() - started) / 1000)
        failed(err)
        throw err
      }
      if (!(out instanceof Promise)) {
        duration.observe((performance.now() - started) / 1000)
        return out
      }
      return out.then(
        (value) => {
          duration.observe((performance.now() - started) / 1000)
          return value
        },
        (err) => {
          duration.observe((performance.now() - started) / 1000)
          failed(err)
          throw err
        },
      )
    }
  }
  return wrapped satisfies MethodTable
}
