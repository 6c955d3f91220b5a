import type { Hex } from 'viem'

// Sizes of RLP encodings computed from lengths alone, so a batcher can track its payload without encoding.

/** Length of the RLP header in front of a string or list payload of `length` bytes. */
export function rlpHeaderLength(length: number): number {
  if (length < 56) return 1
  let lengthOfLength = 1
  for (let v = length; v >= 256; v = Math.floor(v / 256)) lengthOfLength++
  return 1 + lengthOfLength
}

/** Length of RLP(bytes) for the bytes of `hex`: a single byte below 0x80 is its own encoding. */
export function rlpHexLength(hex: Hex): number {
  const length = (hex.length - 2) / 2
  if (length === 1 && Number.parseInt(hex.slice(2, 4), 16) < 0x80) return 1
  return rlpHeaderLength(length) + length
}

/** Length of RLP(value) for a non-negative integer, encoded big-endian without leading zeros (0 is the empty string). */
export function rlpIntegerLength(value: bigint): number {
  if (value < 0x80n) return 1 // 0 is 0x80, 1..0x7f are themselves
  let length = 0
  for (let v = value; v > 0n; v >>= 8n) length++
  return rlpHeaderLength(length) + length
}
