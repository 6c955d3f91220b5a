import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import {
  InvalidParamsError,
  InvalidRequestError,
  MethodNotFoundError,
  ParseError,
  RequestTimeoutError,
  ResponseTooLargeError,
} from '../../core/errors/rpc.ts'
import { defaultRpcLimits } from './defaultRpcLimits.ts'
import { rawJsonIds } from './rawJsonIds.ts'
import { toRpcError } from './toRpcError.ts'
import type { MethodTable, RpcCallContext, RpcErrorObject, RpcLimits } from './types.ts'

/** Turns one HTTP body or WebSocket message into the response text, or `undefined` when nothing is to be sent. */
export type Dispatcher = {
  handle(body: string, ctx?: RpcCallContext): Promise<string | undefined>
}

/** One answered request: its serialized response, and how many result bytes count against the batch limit. */
type Answer = { text: string; resultBytes: number }

const localContext: RpcCallContext = Object.freeze({ transport: 'http', clientId: 'local' })

/**
 * Creates the JSON-RPC 2.0 dispatcher shared by HTTP and WebSocket: parse/-32700, request validation/-32600,
 * method lookup/-32601, batches (answered in request order), notifications (no answer), ids echoed verbatim.
 */
export function createDispatcher({
  methods,
  log,
  limits = {},
}: {
  methods: MethodTable
  log: Logger
  limits?: Partial<Pick<RpcLimits, 'maxBatchSize' | 'maxBatchResponseBytes' | 'callTimeoutMs'>>
}): Dispatcher {
  const { maxBatchSize, maxBatchResponseBytes, callTimeoutMs } = { ...defaultRpcLimits, ...limits }

  async function handle(body: string, ctx: RpcCallContext = localContext): Promise<string | undefined> {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch (err) {
      return errorText('null', new ParseError({ cause: err }))
    }
    if (!Array.isArray(parsed)) {
      const rawIds = needsRawIds([parsed]) ? rawJsonIds(body) : undefined
      return (await answer(parsed, rawIds?.[0], ctx))?.text
    }
    // geth answers an empty batch with one error object, not an array.
    if (parsed.length === 0) return errorText('null', new InvalidRequestError({ reason: 'empty batch' }))
    const rawIds = needsRawIds(parsed) ? rawJsonIds(body) : undefined
    if (parsed.length > maxBatchSize) {
      // geth: a one-element array carrying the id of the first call, since the protocol has no batch-level error.
      const first = parsed.findIndex((msg) => validId(msg) && isObject(msg) && msg.id !== undefined)
      const id = first === -1 ? 'null' : idText(parsed[first] as Record<string, unknown>, rawIds?.[first])
      return `[${errorText(id, new InvalidRequestError({ reason: 'batch too large' }))}]`
    }
    // Every handler starts synchronously in request order (so a nonce sequence reaches the pool in order),
    // then they run concurrently.
    const answers = await Promise.all(parsed.map((msg, i) => answer(msg, rawIds?.[i], ctx)))
    const texts: string[] = []
    let resultBytes = 0
    let overLimit = false
    for (const [i, a] of answers.entries()) {
      if (a === undefined) continue
      if (overLimit) {
        // Like geth: once the results outgrow the limit, every later call is answered -32003 instead.
        texts.push(errorText(idText(parsed[i] as Record<string, unknown>, rawIds?.[i]), new ResponseTooLargeError()))
        continue
      }
      texts.push(a.text)
      resultBytes += a.resultBytes
      if (maxBatchResponseBytes > 0 && resultBytes > maxBatchResponseBytes) overLimit = true
    }
    // A batch of notifications only gets no body at all (JSON-RPC 2.0 §6).
    return texts.length === 0 ? undefined : `[${texts.join(',')}]`
  }

  /** Validates and runs one request; `undefined` for a well-formed notification. */
  async function answer(msg: unknown, rawId: string | undefined, ctx: RpcCallContext): Promise<Answer | undefined> {
    if (!isObject(msg) || !validId(msg)) return invalid('null')
    const isNotification = !Object.hasOwn(msg, 'id')
    const id = isNotification ? 'null' : idText(msg, rawId)
    if (msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') return invalid(id)
    const method = msg.method
    const params = msg.params
    // geth accepts an omitted or null `params`; a primitive is not a structured value and so not a valid request.
    if (params !== undefined && params !== null && typeof params !== 'object') return invalid(id)

    const started = performance.now()
    let result: unknown
    let error: unknown
    try {
      if (!Object.hasOwn(methods, method)) throw new MethodNotFoundError({ method })
      // All eth_* methods are positional; geth rejects named params with this exact message.
      if (params !== undefined && params !== null && !Array.isArray(params))
        throw new InvalidParamsError({ reason: 'non-array args' })
      result = await withTimeout(methods[method]((params as unknown[] | null | undefined) ?? [], ctx))
    } catch (err) {
      error = err
    }

    let text: string | undefined
    let rpcError: RpcErrorObject | undefined
    let resultBytes = 0
    if (error === undefined && !isNotification) {
      try {
        // `undefined` (a void handler) is sent as null; JSON.stringify throws on bigint or cycles.
        const resultText = JSON.stringify(result) ?? 'null'
        resultBytes = resultText.length
        text = `{"jsonrpc":"2.0","id":${id},"result":${resultText}}`
      } catch (err) {
        error = err
      }
    }
    if (error !== undefined) {
      rpcError = toRpcError(error, { log, method })
      if (!isNotification) text = errorObjectText(id, rpcError)
    }
    log.debug(
      {
        method,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        code: rpcError?.code,
        transport: ctx.transport,
        clientId: ctx.clientId,
      },
      'rpc call',
    )
    return text === undefined ? undefined : { text, resultBytes }
  }

  function invalid(id: string): Answer {
    return { text: errorText(id, new InvalidRequestError({ reason: 'invalid request' })), resultBytes: 0 }
  }

  function withTimeout<T>(value: T | Promise<T>): Promise<T> {
    if (!(value instanceof Promise) || callTimeoutMs <= 0) return Promise.resolve(value)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RequestTimeoutError()), callTimeoutMs)
    })
    // The handler keeps running after a timeout (nothing can cancel it); its late outcome is ignored.
    return Promise.race([value, timeout]).finally(() => clearTimeout(timer))
  }

  function errorText(id: string, err: Error): string {
    return errorObjectText(id, toRpcError(err, { log }))
  }

  return { handle }
}

function errorObjectText(id: string, error: RpcErrorObject): string {
  return `{"jsonrpc":"2.0","id":${id},"error":${JSON.stringify(error)}}`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** JSON-RPC 2.0 ids are a string, a number or null (or absent, for a notification). */
function validId(msg: unknown): boolean {
  if (!isObject(msg)) return false
  const id = msg.id
  return id === undefined || id === null || typeof id === 'string' || typeof id === 'number'
}

/** The id exactly as the client wrote it where JSON.parse may have altered it, else re-serialized. */
function idText(msg: Record<string, unknown>, rawId: string | undefined): string {
  if (typeof msg.id === 'number' && rawId !== undefined) return rawId
  return msg.id === undefined ? 'null' : JSON.stringify(msg.id)
}

/** Only numbers outside the safe integer range lose precision in JSON.parse; the raw scan is skipped otherwise. */
function needsRawIds(messages: readonly unknown[]): boolean {
  return messages.some((msg) => isObject(msg) && typeof msg.id === 'number' && !Number.isSafeInteger(msg.id))
}
