import { concat, type Hex, keccak256, pad, toHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { OutputRootInputError } from './errors.ts'
import { OUTPUT_ROOT_VERSION, outputRoot } from './outputRoot.ts'

const stateRoot = keccak256(toHex('state'))
const blockHash = keccak256(toHex('block'))

describe('outputRoot', () => {
  it('default: keccak256(bytes32(version) ‖ stateRoot ‖ blockHash)', () => {
    const preimage = concat([pad(toHex(OUTPUT_ROOT_VERSION), { size: 32 }), stateRoot, blockHash])
    expect((preimage.length - 2) / 2).toBe(96)
    expect(outputRoot({ stateRoot, blockHash })).toBe(keccak256(preimage))
  })

  it('behavior: the fields are not interchangeable', () => {
    expect(outputRoot({ stateRoot: blockHash, blockHash: stateRoot })).not.toBe(outputRoot({ stateRoot, blockHash }))
  })

  it('behavior: uppercase hex gives the same root', () => {
    const upper = `0x${stateRoot.slice(2).toUpperCase()}` as Hex
    expect(outputRoot({ stateRoot: upper, blockHash })).toBe(outputRoot({ stateRoot, blockHash }))
  })

  it.each<[string, Hex, Hex]>([
    ['short state root', '0x1234', blockHash],
    ['long block hash', stateRoot, `${blockHash}00`],
    ['not hex', stateRoot, `0x${'zz'.repeat(32)}`],
  ])('error: %s', (_name, s, b) => {
    expect(() => outputRoot({ stateRoot: s, blockHash: b })).toThrow(OutputRootInputError)
  })
})
