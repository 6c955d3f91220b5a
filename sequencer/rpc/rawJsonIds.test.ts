import { describe, expect, it } from 'vitest'
import { rawJsonIds } from './rawJsonIds.ts'

describe('rawJsonIds', () => {
  it('default', () => {
    expect(rawJsonIds('{"jsonrpc":"2.0","id":18446744073709551615,"method":"m"}')).toEqual(['18446744073709551615'])
  })

  it('behavior: one entry per batch element, ignoring nested ids, strings and whitespace', () => {
    const body = ' [ {"params":[{"id":1}],"x":"\\"}{[","id" : 1.50 } , 7, {"method":"m"}, {"id":"s"} ] '
    expect(rawJsonIds(body)).toEqual(['1.50', undefined, undefined, '"s"'])
  })

  it('error: the last of duplicate ids wins, as in JSON.parse', () => {
    expect(rawJsonIds('{"id":1,"id":2}')).toEqual(['2'])
  })
})
