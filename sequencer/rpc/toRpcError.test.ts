import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { BaseError } from '../../core/errors/base.ts'
import {
  InvalidParamsError,
  InvalidRequestError,
  LimitExceededError,
  MethodNotFoundError,
  NotificationsUnsupportedError,
  ParseError,
  RequestTimeoutError,
  ResourceNotFoundError,
  ResponseTooLargeError,
  SubscriptionNotFoundError,
} from '../../core/errors/rpc.ts'
import { toRpcError } from './toRpcError.ts'

/** Stand-ins for the lead's executor / pool errors: only `name` and fields matter to the mapping. */
class ExecutionRevertedError extends BaseError {
  override name = 'ExecutionRevertedError' as const
  constructor(
    readonly data: `0x${string}`,
    readonly reason?: string,
  ) {
    super(reason ? `execution reverted: ${reason}` : 'execution reverted')
  }
}
class NonceTooLowError extends BaseError {
  override name = 'NonceTooLowError' as const
  constructor() {
    super('nonce too low: next nonce 5, tx nonce 3', { details: 'internal detail that must not leak' })
  }
}

function capturingLogger() {
  const lines: Record<string, unknown>[] = []
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) })
  return { log, lines }
}

describe('toRpcError', () => {
  it('default', () => {
    expect(toRpcError(new InvalidParamsError({ reason: 'missing value for required argument 0' }))).toEqual({
      code: -32602,
      message: 'missing value for required argument 0',
    })
  })

  it('behavior: maps the protocol errors to their JSON-RPC codes', () => {
    expect(toRpcError(new ParseError())).toEqual({ code: -32700, message: 'parse error' })
    expect(toRpcError(new InvalidRequestError({ reason: 'invalid request' }))).toEqual({
      code: -32600,
      message: 'invalid request',
    })
    expect(toRpcError(new MethodNotFoundError({ method: 'eth_foo' }))).toEqual({
      code: -32601,
      message: 'the method eth_foo does not exist/is not available',
    })
    expect(toRpcError(new LimitExceededError({ reason: 'too many subscriptions' })).code).toBe(-32005)
    expect(toRpcError(new ResourceNotFoundError({ reason: 'header not found' }))).toEqual({
      code: -32000,
      message: 'header not found',
    })
    expect(toRpcError(new NotificationsUnsupportedError())).toEqual({
      code: -32601,
      message: 'notifications not supported',
    })
    expect(toRpcError(new SubscriptionNotFoundError({ namespace: 'eth', subscription: 'foo' }))).toEqual({
      code: -32601,
      message: 'no "foo" subscription in eth namespace',
    })
    expect(toRpcError(new RequestTimeoutError())).toEqual({ code: -32002, message: 'request timed out' })
    expect(toRpcError(new ResponseTooLargeError())).toEqual({ code: -32003, message: 'response too large' })
  })

  it('behavior: a revert is code 3 with its data, and the reason in the message when known', () => {
    const data = '0x08c379a0' as const
    expect(toRpcError(new ExecutionRevertedError(data, 'not owner'))).toEqual({
      code: 3,
      message: 'execution reverted: not owner',
      data,
    })
    expect(toRpcError(new ExecutionRevertedError('0x'))).toEqual({ code: 3, message: 'execution reverted', data: '0x' })
  })

  it('behavior: a transaction-pool error is -32000 with its short message only', () => {
    expect(toRpcError(new NonceTooLowError())).toEqual({
      code: -32000,
      message: 'nonce too low: next nonce 5, tx nonce 3',
    })
  })

  it('behavior: any other BaseError is -32000 with its short message', () => {
    expect(toRpcError(new BaseError('invalid opcode: INVALID', { details: 'x' }))).toEqual({
      code: -32000,
      message: 'invalid opcode: INVALID',
    })
  })

  it('error: anything else is -32603 internal error, logged with its stack and never leaked', () => {
    const { log, lines } = capturingLogger()
    const result = toRpcError(new TypeError('secret path /home/x'), { log, method: 'eth_call' })
    expect(result).toEqual({ code: -32603, message: 'internal error' })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 50, method: 'eth_call', msg: 'rpc internal error' })
    expect((lines[0].err as { stack: string }).stack).toContain('TypeError: secret path')
    expect(toRpcError('a string')).toEqual({ code: -32603, message: 'internal error' })
  })

  it('error: an own-property name lookup cannot hit Object.prototype', () => {
    const err = new Error('x')
    err.name = 'constructor'
    expect(toRpcError(err).code).toBe(-32603)
  })
})
