import { describe, expect, it } from 'vitest'
import { createLaneStream } from './lanes.ts'

const A = '0x00000000000000000000000000000000000000aa'
const B = '0x00000000000000000000000000000000000000bb'
const C = '0x00000000000000000000000000000000000000cc'
const D = '0x00000000000000000000000000000000000000dd'
const H = '0x0000000000000000000000000000000000000011'

describe('createLaneStream', () => {
  it('behavior: joins a sender lane and a hot lane while the younger is unsent, moving its txs in block order', () => {
    const s = createLaneStream({ workers: 2, txs: 8 })
    s.add(0, A, undefined, 100n) // lane 0 on worker 0
    s.add(1, B, H, 100n) // lane 1 on worker 1 (least loaded)
    s.add(2, A, H, 100n) // A's lane 0 and H's lane 1: lane 1 unsent, joined into lane 0
    expect([...s.laneOf.subarray(0, 3)]).toEqual([0, 0, 0])
    expect(s.take()).toEqual([[0, 1, 2], []])
    expect(s.sizes).toEqual([3, 0])
    s.add(3, C, H, 100n) // H resolves to lane 0
    s.add(4, D, undefined, 100n) // a new lane on the least loaded worker (1)
    expect([s.laneOf[3], s.laneOf[4]]).toEqual([0, 2])
    expect(s.take()).toEqual([[3], [4]])
    // Both of D's and H's lanes are running: the tx stays in its sender's lane (its nonce chain).
    s.add(5, D, H, 100n)
    expect(s.laneOf[5]).toBe(2)
    expect(s.take()).toEqual([[], [5]])
  })
})
