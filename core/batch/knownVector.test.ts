import zlib from 'node:zlib'
import { RLP } from '@ethereumjs/rlp'
import { bytesToHex, concat, hexToBytes, keccak256, pad, toHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { batchDataHash } from './batchDataHash.ts'
import { decodeBatch } from './decodeBatch.ts'
import { encodeBatch } from './encodeBatch.ts'
import { encodeBatchPayload } from './encodeBatchPayload.ts'
import { outputRoot } from './outputRoot.ts'
import { VECTOR_DEPOSIT, vectorBatch } from './testing/vectorBatch.ts'

// The uncompressed payload of `vectorBatch()`: blocks 5..7 with L1 origins 5, 5, 7, a deposit, legacy/1559/2930
// txs, an empty block.
// Pinned here and in docs/batch-format.md; brotli bytes may differ across zlib versions, the payload may not.
const VECTOR_PAYLOAD =
  '0xf90237a0d42fd0233ae9a2e4e6546099324f362637cfabc93e1b7336632bd58bcc759b1105f90212f90152846553f10005f868b8667ef863a071c44a429548f501f1487fa9833d554136d0181bb7c4034b77923ed55179736194f39fd6e51aad88f6f4ce6ab8827279cfffb922669470997970c51812dc3a010c7d01b50e0d17dc79c8880de0b6b3a7640000880de0b6b3a7640000830186a08080f8e0b867f86580843b9aca008252089470997970c51812dc3a010c7d01b50e0d17dc79c8018082072ea00b5e2f3015ccd1d974886d00eca1b2b106e34d6eebcadee7ac6333457604e9eaa02eb9153254ad6735ed0905f4ee5eadb73eb26a19b0f320deee153c7a07f980e1b87502f87282038501830f424084773594008252089470997970c51812dc3a010c7d01b50e0d17dc79c887038d7ea4c6800080c080a0c524b30a30300c5cbab5ff2d9b5c19c5702785e3b6a81c3a404f9cc7e34770bfa0547f87caad75850808dfd20459207053ff0fd0e87a08ab6ba9148f9b693f1278f8b2846553f10205c0f8a9b8a701f8a482038502843b9aca0082c3509470997970c51812dc3a010c7d01b50e0d17dc79c88084a9059cbbf838f79470997970c51812dc3a010c7d01b50e0d17dc79c8e1a0000000000000000000000000000000000000000000000000000000000000000180a0a887ac9da2c2659c1a90be06629f4e367e99d39a453065871525fce0fda25634a00f392ed48dc82d76032225a48ee6a8240595658352105e583a511f5e62aa7ec0c8846553f10207c0c0'

const STATE_ROOT = `0x${'11'.repeat(32)}` as const
const BLOCK_HASH = `0x${'22'.repeat(32)}` as const
const VECTOR_OUTPUT_ROOT = '0xf51c1fb58400065c1d6cdef5c23633e8090948f4d5214047ab46321878dee2ca'

describe('known vector', () => {
  it('default: the payload is pinned', async () => {
    expect(bytesToHex(encodeBatchPayload(await vectorBatch()))).toBe(VECTOR_PAYLOAD)
  })

  it('behavior: @ethereumjs/rlp reads the payload field by field', async () => {
    const batch = await vectorBatch()
    const [parentHash, first, blocks] = RLP.decode(hexToBytes(VECTOR_PAYLOAD)) as [Uint8Array, Uint8Array, unknown[]]
    expect(bytesToHex(parentHash)).toBe(batch.parentHash)
    expect(first).toEqual(Uint8Array.of(5))
    expect(blocks).toHaveLength(3)
    for (const block of blocks) expect(block).toHaveLength(4) // [timestamp, l1Origin, [deposits], [txs]]
    const [ts5, origin5, deposits5, txs5] = blocks[0] as [Uint8Array, Uint8Array, Uint8Array[], Uint8Array[]]
    expect(bytesToHex(ts5)).toBe(toHex(1_700_000_000n))
    expect(origin5).toEqual(Uint8Array.of(5)) // a single byte below 0x80: its own encoding
    expect(deposits5.map((d) => bytesToHex(d))).toEqual([VECTOR_DEPOSIT])
    expect(deposits5[0][0]).toBe(0x7e)
    expect(txs5.map((t) => bytesToHex(t))).toEqual(batch.blocks[0].transactions)
    expect(bytesToHex(txs5[0]).slice(0, 4)).toBe('0xf8') // legacy: an RLP list
    expect(bytesToHex(txs5[1]).slice(0, 4)).toBe('0x02') // EIP-1559 envelope
    const [ts6, origin6, deposits6, txs6] = blocks[1] as [Uint8Array, Uint8Array, Uint8Array[], Uint8Array[]]
    expect(bytesToHex(ts6)).toBe(toHex(1_700_000_002n))
    expect(origin6).toEqual(Uint8Array.of(5)) // same L1 origin as block 5
    expect(deposits6).toEqual([])
    expect(txs6.map((t) => bytesToHex(t))).toEqual(batch.blocks[1].transactions)
    expect(bytesToHex(txs6[0]).slice(0, 4)).toBe('0x01') // EIP-2930 envelope
    expect(blocks[2]).toEqual([hexToBytes(toHex(1_700_000_002n)), Uint8Array.of(7), [], []])
  })

  it('behavior: the posted bytes are 0x00 ‖ brotli(payload), decodable by node:zlib alone', async () => {
    const data = encodeBatch(await vectorBatch())
    expect(data[0]).toBe(0)
    expect(bytesToHex(zlib.brotliDecompressSync(data.subarray(1)))).toBe(VECTOR_PAYLOAD)
  })

  it('behavior: decodes back to the batch', async () => {
    const batch = await vectorBatch()
    const data = encodeBatch(batch)
    expect(decodeBatch(data)).toEqual(batch)
    expect(decodeBatch(data).blocks.map((b) => b.l1Origin)).toEqual([5n, 5n, 7n])
    expect(decodeBatch(bytesToHex(data))).toEqual(batch)
  })

  it('behavior: output root and data hash match preimages built by hand', async () => {
    const handmade = keccak256(concat([pad('0x00', { size: 32 }), STATE_ROOT, BLOCK_HASH]))
    expect(handmade).toBe(VECTOR_OUTPUT_ROOT)
    expect(outputRoot({ stateRoot: STATE_ROOT, blockHash: BLOCK_HASH })).toBe(VECTOR_OUTPUT_ROOT)
    const data = encodeBatch(await vectorBatch())
    expect(batchDataHash(data)).toBe(keccak256(data))
  })
})
