// Opcodes stepped without a promise when nothing in them waits. ethereumjs's interpreter awaits an async
// `runStep` for every opcode, and every dynamic gas handler is an async function, though most opcodes
// (PUSH, DUP, ADD, JUMP, MSTORE, KECCAK256, LOG...) never wait on anything: the promises and async frames
// were 40% of all bytes allocated by an ERC-20 block (447 KB a transfer) and garbage collection 28% of
// its time (docs/executor.md, "Interpreter costs removed").
//
// The replacement loop is ethereumjs's `Interpreter.run` loop with one change: an opcode whose handler
// is synchronous (`isAsync` false) and whose gas is static, or computed by one of the stock gas handlers
// below that only do arithmetic on the stack and memory size, is stepped synchronously, in exactly the
// order `runStep` does it (dynamic gas, invalid-opcode check, useGas, pc++, the EIP-7928 pending OOG,
// the handler, the access-witness commit). Every other opcode goes through ethereumjs's own `runStep`.
// The sync gas handlers are copies of the stock ones (opcodes/gas.js, @ethereumjs/evm 10.1) and are only
// used when the opcode table still holds that stock handler (an EIP may replace one). Anything this loop
// does not reproduce runs ethereumjs's own `run`: EOF code, the profiler, step listeners or DEBUG
// (tracers), and the stateless EIPs 6800/7864.
//
// Covered by executor/syncSteps.test.ts (same receipts and state with it on and off, on ERC-20, Uniswap
// and Kitchen blocks with reverts and out-of-gas) and by the conformance run (ethereum/tests).

import { word32 } from './fastOpHandlers.ts'

type RunState = {
  programCounter: number
  opCode: number
  code: Uint8Array
  validJumps: Uint8Array
  cachedPushes: Record<number, bigint>
  shouldDoJumpAnalysis: boolean
  gasLeft: bigint
  stack: { peek(n?: number): bigint[] }
  env: { accessWitness?: { commit(): void; revert(): void }; eof?: unknown }
  interpreter: {
    isStatic(): boolean
    getAddress(): { bytes: Uint8Array }
    journal: {
      isWarmedStorage(a: Uint8Array, k: Uint8Array): boolean
      addWarmedStorage(a: Uint8Array, k: Uint8Array): void
    }
  }
  eip8037BurnLeftoverAfterCreateHaltOntoAlive?: boolean
}
type Common = { isActivatedEIP(eip: number): boolean; param(name: string): bigint }
type OpInfo = { code: number; feeBigInt: bigint; isAsync: boolean; dynamicGas: boolean; isInvalid: boolean }
type OpEntry = {
  opcodeInfo: OpInfo
  opHandler: (runState: RunState, common: Common) => unknown
  gasHandler: unknown
}
type InterpreterThis = {
  _runState: RunState
  _evm: { DEBUG: boolean; events: { listenerCount(e: string): number } }
  common: Common
  profilerOpts?: { enabled?: boolean }
  useGas(amount: bigint, context?: unknown): void
  lookupOpInfo(op: number): OpEntry
  runStep(entry?: OpEntry): Promise<void>
  _getValidJumpDestinations(code: Uint8Array): {
    jumps: Uint8Array
    pushes: Record<number, bigint>
    opcodesCached: OpEntry[]
  }
}
type RunResult = { runState: RunState; exceptionError?: unknown }
type Run = (this: InterpreterThis, code: Uint8Array, opts?: { pc?: number }) => Promise<RunResult>
type SyncGas = (runState: RunState, gas: bigint, common: Common) => bigint

// The interpreter and its helpers are not exported: reach their modules next to the package's entry (the
// same URLs the EVM itself imports, so the same module instances).
const evmModule = async <T>(path: string): Promise<T> =>
  (await import(new URL(path, import.meta.resolve('@ethereumjs/evm')).href)) as T
const { Interpreter } = await evmModule<{ Interpreter: { prototype: { run: Run } } }>('./interpreter.js')
const { EVMError, EVMErrorTypeString } = await evmModule<{
  EVMError: (new (message: string) => unknown) & { errorMessages: Record<string, string> }
  EVMErrorTypeString: string
}>('./errors.js')
const { dynamicGasHandlers } = await evmModule<{ dynamicGasHandlers: Map<number, unknown> }>('./opcodes/gas.js')
const { subMemUsage, divCeil, trap } = await evmModule<{
  subMemUsage(runState: RunState, offset: bigint, length: bigint, common: Common): bigint
  divCeil(a: bigint, b: bigint): bigint
  trap(message: string): never
}>('./opcodes/util.js')
const { accessStorageEIP2929 } = await evmModule<{
  accessStorageEIP2929(runState: RunState, key: Uint8Array, isSstore: boolean, common: Common): bigint
}>('./opcodes/EIP2929.js')
const { consumeEip7928PostTargetCallOog } = await evmModule<{
  consumeEip7928PostTargetCallOog(runState: RunState): void
}>('./opcodes/EIP7928.js')

const B0 = 0n
const B1 = 1n
const B3 = 3n
const B31 = 31n
const B32 = 32n
const EOF_FORMAT = 0xef

// Copies of the stock handlers, minus their EIP-6800/7864 branches (those forks run ethereumjs's loop).
const memOnly =
  (length: bigint): SyncGas =>
  (rs, gas, common) =>
    gas + subMemUsage(rs, rs.stack.peek()[0], length, common)
const offsetLength: SyncGas = (rs, gas, common) => {
  const [offset, length] = rs.stack.peek(2)
  return gas + subMemUsage(rs, offset, length, common)
}
const copy: SyncGas = (rs, gas, common) => {
  const [memOffset, _dataOffset, dataLength] = rs.stack.peek(3)
  gas += subMemUsage(rs, memOffset, dataLength, common)
  if (dataLength !== B0) gas += common.param('copyGas') * divCeil(dataLength, B32)
  return gas
}
const log: SyncGas = (rs, gas, common) => {
  if (rs.interpreter.isStatic()) trap(EVMError.errorMessages.STATIC_STATE_CHANGE)
  const [memOffset, memLength] = rs.stack.peek(2)
  const topicsCount = rs.opCode - 0xa0
  if (topicsCount < 0 || topicsCount > 4) trap(EVMError.errorMessages.OUT_OF_RANGE)
  gas += subMemUsage(rs, memOffset, memLength, common)
  return gas + common.param('logTopicGas') * BigInt(topicsCount) + memLength * common.param('logDataGas')
}
const syncGas: [number, SyncGas][] = [
  [
    0x0a, // EXP
    (rs, gas, common) => {
      const [_base, exponent] = rs.stack.peek(2)
      if (exponent === B0) return gas
      let byteLength = exponent.toString(2).length / 8
      if (byteLength > Math.trunc(byteLength)) byteLength = Math.trunc(byteLength) + 1
      if (byteLength < 1 || byteLength > 32) trap(EVMError.errorMessages.OUT_OF_RANGE)
      return gas + BigInt(byteLength) * common.param('expByteGas')
    },
  ],
  [
    0x20, // KECCAK256
    (rs, gas, common) => {
      const [offset, length] = rs.stack.peek(2)
      gas += subMemUsage(rs, offset, length, common)
      return gas + common.param('keccak256WordGas') * divCeil(length, B32)
    },
  ],
  [0x37, copy], // CALLDATACOPY
  [0x51, memOnly(B32)], // MLOAD
  [0x52, memOnly(B32)], // MSTORE
  [0x53, memOnly(B1)], // MSTORE8
  [
    0x54, // SLOAD (its handler is async and still awaited; the gas part is arithmetic and the warm set)
    (rs, gas, common) => {
      const keyBuf = word32(rs.stack.peek()[0])
      if (common.isActivatedEIP(2929)) gas += accessStorageEIP2929(rs, keyBuf, false, common)
      return gas
    },
  ],
  [
    0x5e, // MCOPY
    (rs, gas, common) => {
      const [dst, src, length] = rs.stack.peek(3)
      gas += B3 * ((length + B31) / B32)
      gas += subMemUsage(rs, src, length, common)
      return gas + subMemUsage(rs, dst, length, common)
    },
  ],
  [0xa0, log],
  [0xa1, log],
  [0xa2, log],
  [0xa3, log],
  [0xa4, log],
  [0xf3, offsetLength], // RETURN
  [0xfd, offsetLength], // REVERT
]
// Indexed by opcode: the sync handler, and the stock async one it stands for.
const syncGasByOp: (SyncGas | undefined)[] = new Array(256)
const stockGasByOp: unknown[] = new Array(256)
for (const [op, fn] of syncGas) {
  const stock = dynamicGasHandlers.get(op)
  if (stock === undefined) continue
  syncGasByOp[op] = fn
  stockGasByOp[op] = stock
}

function isEVMError(e: unknown): e is { error: string } {
  return typeof e === 'object' && e !== null && 'errorType' in e && e.errorType === EVMErrorTypeString
}

/** One opcode: synchronously when nothing in it waits, else ethereumjs's `runStep` (a promise). */
function step(self: InterpreterThis, entry: OpEntry | undefined): Promise<void> | undefined {
  const rs = self._runState
  const opEntry = entry ?? self.lookupOpInfo(rs.opCode)
  const opInfo = opEntry.opcodeInfo
  if (opInfo.isAsync) return self.runStep(opEntry)
  let gas = opInfo.feeBigInt
  if (opInfo.dynamicGas) {
    const code = opInfo.code
    const sync = syncGasByOp[code]
    if (sync === undefined || opEntry.gasHandler !== stockGasByOp[code]) return self.runStep(opEntry)
    gas = sync(rs, gas, self.common)
  }
  if (opInfo.isInvalid) throw new EVMError(EVMError.errorMessages.INVALID_OPCODE)
  self.useGas(gas, opInfo)
  rs.programCounter++
  consumeEip7928PostTargetCallOog(rs)
  opEntry.opHandler(rs, self.common)
  rs.env.accessWitness?.commit()
  return undefined
}

const original: Run = Interpreter.prototype.run

const run: Run = async function (this: InterpreterThis, code, opts = {}) {
  const common = this.common
  if (
    (code[0] === EOF_FORMAT && common.isActivatedEIP(3540)) ||
    this.profilerOpts?.enabled === true ||
    this._evm.DEBUG ||
    this._evm.events.listenerCount('step') > 0 ||
    common.isActivatedEIP(6800) ||
    common.isActivatedEIP(7864)
  )
    return original.call(this, code, opts)
  const rs = this._runState
  rs.code = code
  rs.programCounter = opts.pc ?? rs.programCounter
  const pc = rs.programCounter
  if (pc !== 0 && (pc < 0 || pc >= rs.code.length)) throw new Error('Internal error: program counter not in range')
  let err: unknown
  let cachedOpcodes: OpEntry[] | undefined
  let doJumpAnalysis = true
  while (rs.programCounter < rs.code.length) {
    const programCounter = rs.programCounter
    let opCode: number
    let opCodeObj: OpEntry | undefined
    if (doJumpAnalysis) {
      opCode = rs.code[programCounter]
      if (opCode === 0x56 || opCode === 0x57 || opCode === 0x5e) {
        const { jumps, pushes, opcodesCached } = this._getValidJumpDestinations(rs.code)
        rs.validJumps = jumps
        rs.cachedPushes = pushes
        rs.shouldDoJumpAnalysis = false
        cachedOpcodes = opcodesCached
        doJumpAnalysis = false
      }
    } else {
      opCodeObj = (cachedOpcodes as OpEntry[])[programCounter]
      opCode = opCodeObj.opcodeInfo.code
    }
    rs.opCode = opCode
    try {
      const pending = step(this, opCodeObj)
      if (pending !== undefined) await pending
    } catch (e) {
      rs.env.accessWitness?.revert()
      if (!isEVMError(e)) throw e
      if (e.error !== EVMError.errorMessages.STOP) err = e
      break
    }
  }
  if (err === undefined && rs.eip8037BurnLeftoverAfterCreateHaltOntoAlive === true && rs.gasLeft > B0) {
    rs.gasLeft = B0
    err = new EVMError(EVMError.errorMessages.OUT_OF_GAS)
  }
  return { runState: rs, exceptionError: err }
}

let enabled = false

/** Turns synchronous stepping on (the default, done on import) or off (tests compare both). */
export function setSyncSteps(on: boolean): void {
  enabled = on
  Interpreter.prototype.run = on ? run : original
}

/** Whether synchronous stepping is on. */
export const syncStepsEnabled = () => enabled

setSyncSteps(true)
