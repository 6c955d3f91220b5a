import { describe, expect, it } from 'vitest'
import { forEachBlockRange } from './blockRanges.ts'

const ranges = async (from: bigint, to: bigint, chunk: bigint) => {
  const out: [bigint, bigint][] = []
  await forEachBlockRange(from, to, chunk, async (a, b) => void out.push([a, b]))
  return out
}

describe('forEachBlockRange', () => {
  it('covers the range exactly, in order, in chunks', async () => {
    expect(await ranges(0n, 4n, 2n)).toEqual([
      [0n, 1n],
      [2n, 3n],
      [4n, 4n],
    ])
    expect(await ranges(5n, 5n, 100n)).toEqual([[5n, 5n]])
    expect(await ranges(6n, 5n, 100n)).toEqual([])
  })
  it('refuses an empty chunk', async () => {
    await expect(ranges(0n, 1n, 0n)).rejects.toThrow(RangeError)
  })
})
