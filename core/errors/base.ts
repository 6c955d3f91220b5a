/**
 * The one error base of the project, after viem's `BaseError`: a fixed `shortMessage`, a literal
 * `name`, optional `details`/`metaMessages`, the original error in `cause`, and `retryable`.
 * JSON-RPC codes are attached in exactly one place (`sequencer/rpc/toRpcError.ts`), never here.
 */
export type BaseErrorParameters = {
  cause?: unknown
  details?: string
  metaMessages?: string[]
  retryable?: boolean
}

/** Base class for every error this project throws. */
export class BaseError extends Error {
  override name = 'BaseError'
  readonly shortMessage: string
  readonly details: string | undefined
  readonly metaMessages: string[] | undefined
  readonly retryable: boolean

  constructor(shortMessage: string, params: BaseErrorParameters = {}) {
    const lines = [shortMessage]
    if (params.metaMessages?.length) lines.push('', ...params.metaMessages)
    if (params.details) lines.push('', `Details: ${params.details}`)
    super(lines.join('\n'), params.cause === undefined ? undefined : { cause: params.cause })
    this.shortMessage = shortMessage
    this.details = params.details
    this.metaMessages = params.metaMessages
    this.retryable = params.retryable ?? false
  }

  /** Walks the `cause` chain and returns the first error matching `fn`. */
  walk(fn: (err: unknown) => boolean): unknown {
    let err: unknown = this
    while (err) {
      if (fn(err)) return err
      err = (err as { cause?: unknown }).cause
    }
    return undefined
  }
}
