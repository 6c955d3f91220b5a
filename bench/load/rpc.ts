// A tiny JSON-RPC 2.0 client for the load generator: single calls and batches over Node's fetch
// (undici keeps connections alive by default, so a run reuses a handful of sockets instead of opening
// one per request). Batch answers are matched back to their calls by id, since a server may reorder them.
import { BaseError } from '../../core/errors/base.ts'

/** One call of a batch. */
export type RpcCall = { method: string; params: unknown[] }

/** One answer of a batch: either a result or the server's JSON-RPC error object. */
export type RpcReply = { result?: unknown; error?: { code: number; message: string; data?: unknown } }

/** The server answered a call with a JSON-RPC error. */
export class RpcCallError extends BaseError {
  override name = 'RpcCallError' as const
  readonly code: number
  readonly method: string
  constructor({ method, code, message }: { method: string; code: number; message: string }) {
    super(`${method} failed: ${code} ${message}`)
    this.code = code
    this.method = method
  }
}

/** The request did not get a usable JSON-RPC answer (connection, HTTP status, body, abort). */
export class RpcTransportError extends BaseError {
  override name = 'RpcTransportError' as const
  readonly url: string
  constructor({ url, reason, cause }: { url: string; reason: string; cause?: unknown }) {
    super(`JSON-RPC request to ${url} failed: ${reason}`, { cause, retryable: true })
    this.url = url
  }
}

/** A JSON-RPC client bound to one URL. */
export type RpcClient = {
  url: string
  /** One call; throws RpcCallError on a JSON-RPC error. */
  call<T = unknown>(method: string, params?: unknown[], opts?: { signal?: AbortSignal }): Promise<T>
  /** One HTTP request carrying `calls`; answers in the order of `calls`. */
  batch(calls: readonly RpcCall[], opts?: { signal?: AbortSignal }): Promise<RpcReply[]>
}

type Envelope = RpcReply & { id?: unknown }

// undici's `fetch failed` caused by `SocketError: other side closed` (code UND_ERR_SOCKET).
function closedWhileIdle(err: unknown): boolean {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined
  return cause?.code === 'UND_ERR_SOCKET' && cause.message === 'other side closed'
}

/** Creates a client for `url`; `signal` aborts every request made through it. */
export function createRpcClient(url: string, { signal }: { signal?: AbortSignal } = {}): RpcClient {
  let nextId = 1

  async function post(body: string, callSignal?: AbortSignal): Promise<unknown> {
    const signals = [signal, callSignal].filter((s): s is AbortSignal => s !== undefined)
    const send = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals),
      })
    let res: Response
    try {
      res = await send().catch((cause) => {
        // A kept-alive socket the server closed while it was idle (the generator spent longer than the
        // server's keep-alive timeout signing): the request never reached the server, so send it again.
        if (!closedWhileIdle(cause)) throw cause
        return send()
      })
    } catch (cause) {
      throw new RpcTransportError({ url, reason: cause instanceof Error ? cause.message : String(cause), cause })
    }
    const text = await res.text().catch((cause) => {
      throw new RpcTransportError({ url, reason: 'reading the body failed', cause })
    })
    if (res.status !== 200) throw new RpcTransportError({ url, reason: `HTTP ${res.status}: ${text.slice(0, 200)}` })
    try {
      return JSON.parse(text)
    } catch (cause) {
      throw new RpcTransportError({ url, reason: `not JSON: ${text.slice(0, 200)}`, cause })
    }
  }

  return {
    url,
    async call<T>(method: string, params: unknown[] = [], opts: { signal?: AbortSignal } = {}): Promise<T> {
      const id = nextId++
      const reply = (await post(JSON.stringify({ jsonrpc: '2.0', id, method, params }), opts.signal)) as Envelope
      if (reply?.error) throw new RpcCallError({ method, code: reply.error.code, message: reply.error.message })
      return reply?.result as T
    },
    async batch(calls, opts = {}) {
      if (calls.length === 0) return []
      const first = nextId
      nextId += calls.length
      const body = JSON.stringify(
        calls.map((c, i) => ({ jsonrpc: '2.0', id: first + i, method: c.method, params: c.params })),
      )
      const reply = await post(body, opts.signal)
      if (!Array.isArray(reply)) {
        // A server that refuses the whole batch answers one error object.
        const err = (reply as Envelope)?.error
        throw new RpcTransportError({
          url,
          reason: err ? `batch refused: ${err.code} ${err.message}` : 'batch answered with a non-array',
        })
      }
      const out: RpcReply[] = new Array(calls.length)
      for (const r of reply as Envelope[]) {
        const i = Number(r?.id) - first
        if (i >= 0 && i < calls.length) out[i] = { result: r.result, error: r.error }
      }
      for (let i = 0; i < out.length; i++)
        out[i] ??= { error: { code: -32603, message: 'no answer for this call in the batch' } }
      return out
    },
  }
}

/** Runs `calls` in batches of `size`, at most `concurrency` requests at a time; answers in call order. */
export async function batchAll(
  rpc: RpcClient,
  calls: readonly RpcCall[],
  { size = 100, concurrency = 4, signal }: { size?: number; concurrency?: number; signal?: AbortSignal } = {},
): Promise<RpcReply[]> {
  const out: RpcReply[] = new Array(calls.length)
  let next = 0
  const worker = async () => {
    while (next < calls.length) {
      const start = next
      next += size
      const replies = await rpc.batch(calls.slice(start, start + size), { signal })
      for (let i = 0; i < replies.length; i++) out[start + i] = replies[i]
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker))
  return out
}

/** The result of a batch answer, or throws its JSON-RPC error. */
export function resultOf<T>(reply: RpcReply, method: string): T {
  if (reply.error) throw new RpcCallError({ method, code: reply.error.code, message: reply.error.message })
  return reply.result as T
}
