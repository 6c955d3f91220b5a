// The result of every EVM call frame without its eager `runState` copy. ethereumjs's
// `EVM.runInterpreter` ends each frame by building `runState: { ...interpreter runState, ...result,
// ...env }`, a fresh object of ~40 properties spread from three others, for every call and every
// transaction. Nothing in the EVM or the VM reads it (it is there for callers that inspect a frame);
// building it was ~17% of a block of ERC-20 transfers on one thread (best of 8 blocks, in two processes
// each: 2,509-2,579 ms with it, 2,109-2,122 ms without). This replacement is the same function with
// `runState` built only when it is read, by a getter on the result's prototype, from the same three
// sources (which nothing changes once the frame has returned). Covered by executor/syncSteps.test.ts
// (same results with it on and off), leanFrames.test.ts and the conformance run.
import { createHash } from 'node:crypto'
import { EVM, EVMError } from '@ethereumjs/evm'
import { Account, BIGINT_0, createZeroAddress } from '@ethereumjs/util'

type Frame = {
  _result: { logs: unknown[]; returnValue?: Uint8Array; selfdestruct?: unknown; createdAddresses?: unknown }
  _env: object
  run(
    code: Uint8Array,
    opts: unknown,
  ): Promise<{ runState: Record<string, unknown>; exceptionError?: { error: string } }>
}
type InterpreterClass = new (...args: unknown[]) => Frame
type Message = {
  to?: unknown
  caller?: unknown
  data?: Uint8Array
  value?: bigint
  code: Uint8Array
  isStatic?: boolean
  isCreate?: boolean
  depth?: number
  codeAddress: unknown
  gasRefund: bigint
  chargeCodeAccesses?: boolean
  blobVersionedHashes?: unknown[]
  accessWitness?: { commit(): void }
  createdAddresses?: unknown
  selfdestruct?: unknown
  gasLimit: bigint
}
type EvmThis = {
  stateManager: { getAccount(a: unknown): Promise<Account | undefined> }
  blockchain: unknown
  journal: unknown
  performanceLogger: unknown
  _optsCached: { profiler?: unknown }
  _tx: { gasPrice: bigint; origin?: unknown }
  _block?: unknown
}
type RunInterpreter = (this: EvmThis, message: Message, opts?: { initialLogs?: unknown[] }) => Promise<unknown>

// Not exported by the package: reach the modules next to its entry (the instances the EVM itself uses).
const evmModule = async <T>(path: string): Promise<T> =>
  (await import(new URL(path, import.meta.resolve('@ethereumjs/evm')).href)) as T
const { Interpreter } = await evmModule<{ Interpreter: InterpreterClass }>('./interpreter.js')
const { defaultBlock } = await evmModule<{ defaultBlock(): unknown }>('./evm.js')

const proto = EVM.prototype as unknown as { runInterpreter: RunInterpreter }
const original: RunInterpreter = proto.runInterpreter

// The copy below is of @ethereumjs/evm 10.1.3's `runInterpreter`. If an upgrade changes that function, the
// copy is not installed (the stock one runs) and leanFrames.test.ts fails until the copy is brought up to date.
const COPIED_SOURCE = '1f4905264075376d'
const sourceMatches =
  createHash('sha256').update(String(original)).digest('hex').slice(0, COPIED_SOURCE.length) === COPIED_SOURCE

// ethereumjs 10.1.3's `runInterpreter`, line for line, except `runState`.
const lean: RunInterpreter = async function (this: EvmThis, message, opts = {}) {
  let contract = await this.stateManager.getAccount(message.to ?? createZeroAddress())
  if (!contract) contract = new Account()
  const env = {
    address: message.to ?? createZeroAddress(),
    caller: message.caller ?? createZeroAddress(),
    callData: message.data ?? Uint8Array.from([0]),
    callValue: message.value ?? BIGINT_0,
    code: message.code,
    isStatic: message.isStatic ?? false,
    isCreate: message.isCreate ?? false,
    depth: message.depth ?? 0,
    gasPrice: this._tx.gasPrice,
    origin: this._tx.origin ?? message.caller ?? createZeroAddress(),
    block: this._block ?? defaultBlock(),
    contract,
    codeAddress: message.codeAddress,
    gasRefund: message.gasRefund,
    chargeCodeAccesses: message.chargeCodeAccesses,
    blobVersionedHashes: message.blobVersionedHashes ?? [],
    accessWitness: message.accessWitness,
    createdAddresses: message.createdAddresses,
    initialLogs: opts.initialLogs,
  }
  const interpreter = new Interpreter(
    this,
    this.stateManager,
    this.blockchain,
    env,
    message.gasLimit,
    this.journal,
    this.performanceLogger,
    this._optsCached.profiler,
  )
  if (message.selfdestruct) interpreter._result.selfdestruct = message.selfdestruct
  if (message.createdAddresses) interpreter._result.createdAddresses = message.createdAddresses
  const interpreterRes = await interpreter.run(message.code, opts)
  let result = interpreter._result
  const runState = interpreterRes.runState
  let gasUsed = message.gasLimit - (runState.gasLeft as bigint)
  if (interpreterRes.exceptionError) {
    if (
      interpreterRes.exceptionError.error !== EVMError.errorMessages.REVERT &&
      interpreterRes.exceptionError.error !== EVMError.errorMessages.INVALID_EOF_FORMAT
    )
      gasUsed = message.gasLimit
    // Clear the result on error
    result = { ...result, logs: [], selfdestruct: new Map(), createdAddresses: new Set() }
  }
  message.accessWitness?.commit()
  const out = new FrameResult(runState, result, interpreter._env) as FrameResult & Record<string, unknown>
  Object.assign(out, result)
  out.exceptionError = interpreterRes.exceptionError
  out.gas = runState?.gasLeft
  out.executionGasUsed = gasUsed
  out.gasRefund = runState.gasRefund
  out.stateGasSpilled = runState.stateGasSpilled
  out.returnValue = result.returnValue ?? new Uint8Array(0)
  return out
}

/**
 * A frame's result: the same own fields as ethereumjs's, with `runState` on the prototype, built when read.
 * (An object literal with the getter measured no faster than the eager copy, presumably because V8 builds
 * such literals off its fast path.) Spreading a result copies own fields only, so a spread copy has no `runState`; nothing in
 * ethereumjs reads it.
 */
class FrameResult {
  readonly #parts: readonly [Record<string, unknown>, object, object]
  constructor(runState: Record<string, unknown>, result: object, env: object) {
    this.#parts = [runState, result, env]
  }
  get runState(): Record<string, unknown> {
    const [runState, result, env] = this.#parts
    return { ...runState, ...result, ...env }
  }
}

let enabled = false

/** Turns the lean frame result on (the default, done on import) or off (tests compare both). */
export function setLeanFrames(on: boolean): void {
  enabled = on && sourceMatches
  proto.runInterpreter = enabled ? lean : original
}

/** Whether the lean frame result is on. */
export const leanFramesEnabled = () => enabled

setLeanFrames(true)
