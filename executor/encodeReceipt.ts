import { rlpHeaderLength } from '../core/batch/rlpLength.ts'
import { stringLength, uintBytes, writeListHeader, writeString } from '../core/rlp/writeRlp.ts'
import type { RawLog } from './receipt.ts'

// A receipt's consensus encoding (EIP-2718 envelope included), written into one buffer sized up front with the
// trie encoder's RLP writers (core/rlp/writeRlp.ts).
// ethereumjs's `encodeReceipt` builds the same bytes through its generic RLP encoder, which encodes each
// item into its own array and copies it into its list's array, level by level (the 256-byte bloom three
// times): ~9-12 µs a receipt of one ERC-20 Transfer log against ~2 µs here, scratch benchmark. Every included tx's receipt
// is encoded on the main thread (the receipts root), so that cost was on the block's critical path in
// every mode. encodeReceipt.test.ts compares this with ethereumjs's encoding on random receipts of every
// shape (statuses, gas values across the byte-length boundaries, 0-5 logs of 0-4 topics, data of 0 to
// 70,000 bytes, every tx type), and the conformance run checks receipts roots against ethereum/tests.

const EMPTY = new Uint8Array(0)
const ONE = Uint8Array.of(1)
const ZERO_BYTE = Uint8Array.of(0)

/** RLP(receipt) for a tx of `txType`: `[status, cumulativeGasUsed, bloom, logs]`, prefixed by the type for typed txs. */
export function encodeReceipt(
  status: 0 | 1,
  cumulativeGasUsed: bigint,
  bloom: Uint8Array,
  logs: readonly RawLog[],
  txType: number,
): Uint8Array {
  // status 0 is the empty string, 1 the byte 0x01 (EIP-658); the gas as ethereumjs's bigIntToBytes writes it
  // (minimal big-endian, 0 as the single byte 0x00)
  const statusBytes = status === 0 ? EMPTY : ONE
  const gasBytes = cumulativeGasUsed === 0n ? ZERO_BYTE : uintBytes(cumulativeGasUsed)
  // per log: its payload, and its topics list's payload
  const sizes = new Array<number>(2 * logs.length)
  let logsPayload = 0
  for (let i = 0; i < logs.length; i++) {
    const [address, topics, data] = logs[i]
    let topicsPayload = 0
    for (const t of topics) topicsPayload += bytesLength(t)
    const payload = bytesLength(address) + rlpHeaderLength(topicsPayload) + topicsPayload + bytesLength(data)
    sizes[2 * i] = payload
    sizes[2 * i + 1] = topicsPayload
    logsPayload += rlpHeaderLength(payload) + payload
  }
  const payload =
    bytesLength(statusBytes) + bytesLength(gasBytes) + bytesLength(bloom) + rlpHeaderLength(logsPayload) + logsPayload
  const prefix = txType === 0 ? 0 : 1
  const out = new Uint8Array(prefix + rlpHeaderLength(payload) + payload)
  let o = 0
  if (prefix) out[o++] = txType
  o = writeListHeader(out, o, payload)
  o = writeString(out, o, statusBytes)
  o = writeString(out, o, gasBytes)
  o = writeString(out, o, bloom)
  o = writeListHeader(out, o, logsPayload)
  for (let i = 0; i < logs.length; i++) {
    const [address, topics, data] = logs[i]
    o = writeListHeader(out, o, sizes[2 * i])
    o = writeString(out, o, address)
    o = writeListHeader(out, o, sizes[2 * i + 1])
    for (const t of topics) o = writeString(out, o, t)
    o = writeString(out, o, data)
  }
  return out
}

/** Length of RLP(bytes). */
function bytesLength(bytes: Uint8Array): number {
  return stringLength(bytes.length, bytes[0])
}
