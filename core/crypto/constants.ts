import { hexToBytes } from '@ethereumjs/util'

// Plain constants (not computed at import) so importing them costs nothing; constants.test.ts
// re-derives both with keccak256.

/** Root of the empty Merkle-Patricia trie: keccak256(rlp('')) = keccak256(0x80). */
export const EMPTY_TRIE_ROOT: Uint8Array = hexToBytes(
  '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421',
)

/** keccak256 of zero bytes: the code hash of an account without code. */
export const KECCAK_EMPTY: Uint8Array = hexToBytes('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470')
