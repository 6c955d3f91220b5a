import { describe, expect, it } from 'vitest'
import { createWsConnectionLimits } from './wsConnectionLimits.ts'

describe('createWsConnectionLimits', () => {
  it('default', () => {
    const limits = createWsConnectionLimits({ maxConnections: 10, maxPerClient: 2 })
    expect(limits.check('a')).toBeUndefined()
    limits.add('a')
    limits.add('a')
    expect(limits.check('a')).toEqual({
      status: 429,
      message: 'too many WebSocket connections from this address (max 2)\n',
    })
    expect(limits.check('b')).toBeUndefined()
    expect(limits.count()).toBe(2)
  })

  it('behavior: a full server refuses everyone with 503', () => {
    const limits = createWsConnectionLimits({ maxConnections: 2, maxPerClient: 2 })
    limits.add('a')
    limits.add('b')
    expect(limits.check('c')).toEqual({ status: 503, message: 'too many WebSocket connections (max 2)\n' })
  })

  it('behavior: a closed connection frees its slot; removing an unknown client is a no-op', () => {
    const limits = createWsConnectionLimits({ maxConnections: 1, maxPerClient: 1 })
    limits.add('a')
    limits.remove('b')
    expect(limits.count()).toBe(1)
    limits.remove('a')
    expect(limits.count()).toBe(0)
    expect(limits.check('a')).toBeUndefined()
  })
})
