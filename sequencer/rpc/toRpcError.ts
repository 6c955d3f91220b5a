import type { Logger } from 'pino'
import { BaseError } from '../../core/errors/base.ts'
import { rpcErrorCodes } from './rpcErrorCodes.ts'
import type { RpcErrorObject } from './types.ts'

/** The JSON-RPC error code for anything we did not anticipate; its details stay in the log, never on the wire. */
const internalError: RpcErrorObject = Object.freeze({ code: -32603, message: 'internal error' })

/**
 * Maps any thrown value to the JSON-RPC error object geth would send: known names via `rpcErrorCodes`,
 * other `BaseError`s as -32000 with their `shortMessage`, everything else as -32603 (logged with its stack).
 */
export function toRpcError(err: unknown, options: { log?: Logger; method?: string } = {}): RpcErrorObject {
  if (err instanceof Error && Object.hasOwn(rpcErrorCodes, err.name)) {
    const code = rpcErrorCodes[err.name]
    if (err.name === 'ExecutionRevertedError') return revertError(err)
    return { code, message: shortMessageOf(err) }
  }
  // Only our own errors carry a message fit for clients; a stray TypeError may leak internals.
  if (err instanceof BaseError) return { code: -32000, message: err.shortMessage }
  options.log?.error({ err, method: options.method }, 'rpc internal error')
  return { ...internalError }
}

/** geth's revertError: code 3, 'execution reverted[: reason]', and the raw revert data (always present, '0x' when empty). */
function revertError(err: Error): RpcErrorObject {
  const { data, reason } = err as Error & { data?: unknown; reason?: unknown }
  const message = typeof reason === 'string' && reason !== '' ? `execution reverted: ${reason}` : 'execution reverted'
  return { code: rpcErrorCodes.ExecutionRevertedError, message, data: typeof data === 'string' ? data : '0x' }
}

function shortMessageOf(err: Error): string {
  return err instanceof BaseError ? err.shortMessage : err.message
}
