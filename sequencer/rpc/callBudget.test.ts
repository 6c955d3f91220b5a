import { describe, expect, it } from 'vitest'
import { openCallBudget, rateLimitMethods, withCallBudget } from './callBudget.ts'
import { createRateLimiter } from './rateLimiter.ts'
import type { RpcCallContext } from './types.ts'

const frozenClock = () => createRateLimiter({ ratePerSecond: 1, burst: 3, now: () => 0 })

describe('openCallBudget', () => {
  it('default: arriving costs one token, which pays for the first call', () => {
    const limiter = frozenClock()
    const budget = openCallBudget(limiter, 'a')
    expect(budget.admitted).toBe(true)
    expect(budget.take()).toBe(true) // prepaid
    expect(limiter.take('a', 2)).toBe(true) // so two tokens are left
    expect(limiter.take('a')).toBe(false)
  })

  it('behavior: each further call of a batch costs one token, until the bucket is empty', () => {
    const budget = openCallBudget(frozenClock(), 'a')
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false])
  })

  it('behavior: a message refused on arrival refuses every call', () => {
    const limiter = frozenClock()
    limiter.take('a', 3)
    const budget = openCallBudget(limiter, 'a')
    expect(budget.admitted).toBe(false)
    expect(budget.take()).toBe(false)
  })
})

describe('rateLimitMethods', () => {
  it('behavior: handlers pay from the context budget and are refused with -32005 over it', async () => {
    const methods = rateLimitMethods({ ping: () => 'pong' })
    const ctx = withCallBudget<RpcCallContext>({ transport: 'http', clientId: 'x' }, openCallBudget(frozenClock(), 'a'))
    expect([methods.ping([], ctx), methods.ping([], ctx), methods.ping([], ctx)]).toEqual(['pong', 'pong', 'pong'])
    expect(() => methods.ping([], ctx)).toThrow(
      expect.objectContaining({ name: 'LimitExceededError', shortMessage: 'request rate limit exceeded' }),
    )
  })

  it('behavior: calls without a budget (from inside the node) are free', () => {
    const methods = rateLimitMethods({ ping: () => 'pong' })
    for (let i = 0; i < 10; i++) expect(methods.ping([], { transport: 'http', clientId: 'local' })).toBe('pong')
  })
})
