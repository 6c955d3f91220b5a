import { describe, expect, it } from 'vitest'
import { createRateLimiter } from './rateLimiter.ts'

/** A limiter on a hand-driven clock. */
function limiter(ratePerSecond: number, burst: number) {
  let t = 1_000_000
  const l = createRateLimiter({ ratePerSecond, burst, now: () => t })
  return { l, advance: (ms: number) => (t += ms) }
}

describe('createRateLimiter', () => {
  it('default', () => {
    const { l } = limiter(10, 3)
    expect([l.take('a'), l.take('a'), l.take('a'), l.take('a')]).toEqual([true, true, true, false])
  })

  it('behavior: tokens refill at the rate, up to the burst', () => {
    const { l, advance } = limiter(10, 3)
    l.take('a', 3)
    expect(l.take('a')).toBe(false)
    advance(100) // one token
    expect(l.take('a')).toBe(true)
    expect(l.take('a')).toBe(false)
    advance(60_000) // long idle: refilled only to the burst
    expect(l.take('a', 3)).toBe(true)
    expect(l.take('a')).toBe(false)
  })

  it('behavior: clients have separate buckets', () => {
    const { l } = limiter(1, 1)
    expect(l.take('a')).toBe(true)
    expect(l.take('a')).toBe(false)
    expect(l.take('b')).toBe(true)
  })

  it('behavior: a refused take spends nothing', () => {
    const { l, advance } = limiter(10, 5)
    l.take('a', 4)
    expect(l.take('a', 2)).toBe(false)
    expect(l.take('a', 1)).toBe(true)
    advance(100)
    expect(l.take('a', 1)).toBe(true)
  })

  it('behavior: retryAfterMs is the time to the next token', () => {
    const { l, advance } = limiter(4, 1)
    expect(l.retryAfterMs('a')).toBe(0)
    l.take('a')
    expect(l.retryAfterMs('a')).toBe(250)
    advance(100)
    expect(l.retryAfterMs('a')).toBe(150)
    advance(150)
    expect(l.retryAfterMs('a')).toBe(0)
  })

  it('behavior: buckets that have refilled are forgotten, so memory follows the active clients only', () => {
    const { l, advance } = limiter(100, 10)
    for (let i = 0; i < 1000; i++) l.take(`client-${i}`)
    expect(l.size()).toBe(1000)
    advance(5_000)
    l.take('late')
    expect(l.size()).toBe(1)
  })

  it('error: a rate of 0 is refused (0 means no limiter at all)', () => {
    expect(() => createRateLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError)
  })
})
