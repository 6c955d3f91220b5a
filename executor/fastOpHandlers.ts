// Opcode handlers that turn stack words into 32-byte arrays without ethereumjs's detour. ethereumjs does
// it as `setLengthLeft(bigIntToBytes(word), 32)`: the bigint to a hex string, the string validated by a
// regular expression and parsed, then padded by spreading both arrays into a new one. MSTORE, SLOAD and the
// LOG topics do it on every call: `setLength` alone under MSTORE and LOG was 174 ms of a 6.3 s ERC-20 block
// profile, with the hex parsing under it on top (docs/executor.md).
//
// The replacements below are ethereumjs's handlers (opcodes/functions.js, @ethereumjs/evm 10.1) with only
// that conversion replaced by `word32`, which gives the same 32 bytes for every stack word (< 2^256). They
// are put into ethereumjs's handler table, which every EVM copies when it is created, so the EVMs created
// after `setFastOpHandlers(on)` use them. Covered by executor/syncSteps.test.ts (same receipts and state
// with them on and off) and by the conformance run (ethereum/tests).

type RunState = {
  opCode: number
  stack: { popN(n: number): bigint[]; pop(): bigint; push(v: bigint): void }
  memory: { write(offset: number, size: number, value: Uint8Array): void; read(o: number, s: number): Uint8Array }
  interpreter: {
    storageLoad(key: Uint8Array): Promise<Uint8Array>
    log(data: Uint8Array, topicsCount: number, topics: Uint8Array[]): void
  }
}
type Handler = (runState: RunState, common: unknown) => unknown

const { handlers } = (await import(new URL('./opcodes/functions.js', import.meta.resolve('@ethereumjs/evm')).href)) as {
  handlers: Map<number, Handler>
}
const { bytesToBigInt } = await import('@ethereumjs/util')

// Hex digit value by char code ('0'-'9', 'a'-'f'; bigint.toString(16) gives lowercase).
const NIBBLE = new Uint8Array(128)
for (let c = 0; c < 10; c++) NIBBLE[48 + c] = c
for (let c = 0; c < 6; c++) NIBBLE[97 + c] = 10 + c

/** A stack word (0 <= v < 2^256) as 32 big-endian bytes: `setLengthLeft(bigIntToBytes(v), 32)`. */
export function word32(v: bigint): Uint8Array {
  const out = new Uint8Array(32)
  if (v === 0n) return out
  const hex = v.toString(16)
  let j = 31
  let i = hex.length
  for (; i > 1; i -= 2) out[j--] = (NIBBLE[hex.charCodeAt(i - 2)] << 4) | NIBBLE[hex.charCodeAt(i - 1)]
  if (i === 1) out[j] = NIBBLE[hex.charCodeAt(0)]
  return out
}

const fast = new Map<number, Handler>([
  [
    0x52, // MSTORE
    (runState) => {
      const [offset, word] = runState.stack.popN(2)
      runState.memory.write(Number(offset), 32, word32(word))
    },
  ],
  [
    0x54, // SLOAD
    async (runState) => {
      const key = runState.stack.pop()
      const value = await runState.interpreter.storageLoad(word32(key))
      runState.stack.push(value.length ? bytesToBigInt(value) : 0n)
    },
  ],
])
const log: Handler = (runState) => {
  const [memOffset, memLength] = runState.stack.popN(2)
  const topicsCount = runState.opCode - 0xa0
  const topics = runState.stack.popN(topicsCount)
  const topicsBuf = topics.map(word32)
  let mem: Uint8Array = new Uint8Array(0)
  if (memLength !== 0n) mem = runState.memory.read(Number(memOffset), Number(memLength))
  runState.interpreter.log(mem, topicsCount, topicsBuf)
}
for (let op = 0xa0; op <= 0xa4; op++) fast.set(op, log)

const stock = new Map([...fast.keys()].map((op) => [op, handlers.get(op) as Handler]))
let enabled = false

/** Puts the handlers into ethereumjs's table (the default, done on import) or puts its own back (tests compare). */
export function setFastOpHandlers(on: boolean): void {
  enabled = on
  for (const [op, fn] of on ? fast : stock) handlers.set(op, fn)
}

/** Whether the handlers are in the table. */
export const fastOpHandlersEnabled = () => enabled

setFastOpHandlers(true)
