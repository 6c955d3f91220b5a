// Contract code analysis cached per code object. ethereumjs's interpreter re-runs its jump-destination
// analysis (every opcode looked up, every PUSH immediate decoded to a bigint) at the first JUMP of
// every call: 7.4% of an ERC-20 block's time in a profile (executor/README: docs/executor.md). Our
// state views hand out the same Uint8Array for a code hash every time, so the analysis is done once per
// contract and opcode table. The result is read-only to the interpreter (validJumps, cachedPushes and the
// per-position opcode entries are only read), and it depends on nothing but the code bytes and the
// fork's opcode table, which is part of the key. Covered by the conformance run (ethereum/tests) and
// by executor/syncSteps.test.ts (same results with the cache on and off).

type Analysis = { jumps: Uint8Array; pushes: Record<number, bigint>; opcodesCached: unknown[] }
type InterpreterProto = {
  _getValidJumpDestinations(this: { _evm: { _opcodeMap: object } }, code: Uint8Array): Analysis
}

// The interpreter class is not exported: reach its module next to the package's entry (the same URL
// the EVM itself imports, so the same module instance).
const { Interpreter } = (await import(new URL('./interpreter.js', import.meta.resolve('@ethereumjs/evm')).href)) as {
  Interpreter: { prototype: InterpreterProto }
}
const original = Interpreter.prototype._getValidJumpDestinations
const cache = new WeakMap<object, WeakMap<Uint8Array, Analysis>>()
let enabled = false

function cached(this: { _evm: { _opcodeMap: object } }, code: Uint8Array): Analysis {
  const table = this._evm._opcodeMap
  let perTable = cache.get(table)
  if (!perTable) cache.set(table, (perTable = new WeakMap()))
  let analysis = perTable.get(code)
  if (!analysis) perTable.set(code, (analysis = original.call(this, code)))
  return analysis
}

/** Turns the cache on (the default, done on import) or off (tests compare both). */
export function setJumpDestCache(on: boolean): void {
  enabled = on
  Interpreter.prototype._getValidJumpDestinations = on ? cached : original
}

/** Whether the cache is on. */
export const jumpDestCacheEnabled = () => enabled

setJumpDestCache(true)
