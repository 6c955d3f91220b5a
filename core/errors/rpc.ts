import { BaseError } from './base.ts'

/** A request that is not valid JSON-RPC 2.0 (maps to -32600). */
export class InvalidRequestError extends BaseError {
  override name = 'InvalidRequestError' as const
  constructor({ reason }: { reason: string }) {
    super(reason)
  }
}

/** JSON that does not parse (maps to -32700). */
export class ParseError extends BaseError {
  override name = 'ParseError' as const
  constructor({ cause }: { cause?: unknown } = {}) {
    super('parse error', { cause })
  }
}

/** A method this node does not serve (maps to -32601). */
export class MethodNotFoundError extends BaseError {
  override name = 'MethodNotFoundError' as const
  readonly method: string
  constructor({ method }: { method: string }) {
    super(`the method ${method} does not exist/is not available`)
    this.method = method
  }
}

/** Parameters that do not match the method's schema (maps to -32602). */
export class InvalidParamsError extends BaseError {
  override name = 'InvalidParamsError' as const
  constructor({ reason, cause }: { reason: string; cause?: unknown }) {
    super(reason, { cause })
  }
}

/** A resource limit was hit (request size, batch length, rate, subscriptions); maps to -32005. */
export class LimitExceededError extends BaseError {
  override name = 'LimitExceededError' as const
  constructor({ reason }: { reason: string }) {
    super(reason, { retryable: true })
  }
}

/** A block, transaction or filter that does not exist where the spec wants an error (maps to -32000 or -32001). */
export class ResourceNotFoundError extends BaseError {
  override name = 'ResourceNotFoundError' as const
  constructor({ reason }: { reason: string }) {
    super(reason)
  }
}

/** `eth_subscribe` over a transport that cannot push (HTTP); geth's -32601 'notifications not supported'. */
export class NotificationsUnsupportedError extends BaseError {
  override name = 'NotificationsUnsupportedError' as const
  constructor() {
    super('notifications not supported')
  }
}

/** `eth_subscribe` to a kind this node does not offer; geth's -32601 `no "x" subscription in eth namespace`. */
export class SubscriptionNotFoundError extends BaseError {
  override name = 'SubscriptionNotFoundError' as const
  readonly subscription: string
  constructor({ namespace, subscription }: { namespace: string; subscription: string }) {
    super(`no ${JSON.stringify(subscription)} subscription in ${namespace} namespace`)
    this.subscription = subscription
  }
}

/** A call that ran past the server's deadline; geth's -32002 'request timed out'. */
export class RequestTimeoutError extends BaseError {
  override name = 'RequestTimeoutError' as const
  constructor() {
    super('request timed out', { retryable: true })
  }
}

/** A batch whose results grew past the response size limit; geth's -32003 'response too large'. */
export class ResponseTooLargeError extends BaseError {
  override name = 'ResponseTooLargeError' as const
  constructor() {
    super('response too large')
  }
}
