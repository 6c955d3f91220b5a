import { parentPort } from 'node:worker_threads'
import { recoverSender } from './recoverSender.ts'

// A sender-recovery thread: raw txs in (back to back, with their [offset, length]), 20-byte addresses
// and 64-byte public keys out; `ok[i]` is 0 where the fast route declined (the main thread then
// recovers that one itself through @ethereumjs/tx, which produces the proper error).

export type RecoverRequest = { id: number; raw: Uint8Array; txs: [number, number][] }
export type RecoverReply = { id: number; addresses: Uint8Array; publicKeys: Uint8Array; ok: Uint8Array }

const port = parentPort!
port.on('message', ({ id, raw, txs }: RecoverRequest) => {
  const addresses = new Uint8Array(txs.length * 20)
  const publicKeys = new Uint8Array(txs.length * 64)
  const ok = new Uint8Array(txs.length)
  txs.forEach(([offset, length], i) => {
    const r = recoverSender(raw.subarray(offset, offset + length))
    if (!r) return
    addresses.set(r.address, i * 20)
    publicKeys.set(r.publicKey, i * 64)
    ok[i] = 1
  })
  port.postMessage({ id, addresses, publicKeys, ok } satisfies RecoverReply, [
    addresses.buffer,
    publicKeys.buffer,
    ok.buffer,
  ])
})
