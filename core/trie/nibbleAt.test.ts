import { describe, expect, it } from 'vitest'
import { nibbleAt } from './nibbleAt.ts'

describe('nibbleAt', () => {
  it('default', () => {
    const key = Uint8Array.of(0xab, 0xcd)
    expect([0, 1, 2, 3].map((i) => nibbleAt(key, i))).toEqual([0xa, 0xb, 0xc, 0xd])
  })
})
