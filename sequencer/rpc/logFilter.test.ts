import { describe, expect, it } from 'vitest'
import { matchesLogFilter } from './logFilter.ts'

const A = `0x${'a'.repeat(40)}`
const B = `0x${'b'.repeat(40)}`
const t = (c: string) => `0x${c.repeat(64)}`
const log = { address: A, topics: [t('1'), t('2')] }

describe('matchesLogFilter', () => {
  it('default', () => {
    expect(matchesLogFilter(log, {})).toBe(true)
  })

  it('behavior: address is one address or a list, compared case-insensitively', () => {
    expect(matchesLogFilter(log, { address: A.toUpperCase().replace('0X', '0x') })).toBe(true)
    expect(matchesLogFilter(log, { address: B })).toBe(false)
    expect(matchesLogFilter(log, { address: [B, A] })).toBe(true)
    expect(matchesLogFilter(log, { address: [B] })).toBe(false)
    expect(matchesLogFilter(log, { address: [] })).toBe(true)
    expect(matchesLogFilter(log, { address: null })).toBe(true)
  })

  it('behavior: topics match by position, null and [] are wildcards, arrays are OR', () => {
    expect(matchesLogFilter(log, { topics: [t('1')] })).toBe(true)
    expect(matchesLogFilter(log, { topics: [t('2')] })).toBe(false)
    expect(matchesLogFilter(log, { topics: [null, t('2')] })).toBe(true)
    expect(matchesLogFilter(log, { topics: [[], t('2')] })).toBe(true)
    expect(matchesLogFilter(log, { topics: [[t('3'), t('1')], [t('2')]] })).toBe(true)
    expect(matchesLogFilter(log, { topics: [[t('3'), t('4')]] })).toBe(false)
    expect(matchesLogFilter(log, { topics: [[t('3'), null]] })).toBe(true)
    expect(matchesLogFilter(log, { topics: [t('1').toUpperCase().replace('0X', '0x')] })).toBe(true)
    expect(matchesLogFilter(log, { topics: [] })).toBe(true)
  })

  it('behavior: a filter longer than the log topics never matches, even with wildcards (as geth)', () => {
    expect(matchesLogFilter(log, { topics: [null, null, null] })).toBe(false)
    expect(matchesLogFilter({ address: A, topics: [] }, { topics: [null] })).toBe(false)
  })

  it('error: address and topics must both match', () => {
    expect(matchesLogFilter(log, { address: B, topics: [t('1')] })).toBe(false)
    expect(matchesLogFilter(log, { address: A, topics: [t('9')] })).toBe(false)
  })
})
