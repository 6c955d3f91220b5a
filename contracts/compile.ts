// In-process Solidity compilation with the npm `solc` package (standard-JSON), for tests and tools.
//
//   const out = compileSolidity({ sources: { 'Emitter.sol': readFileSync('contracts/src/Emitter.sol', 'utf8') } })
//   out.Emitter.abi / out.Emitter.bytecode / out.Emitter.deployedBytecode
//
// Imports are resolved by an import callback:
//   `@openzeppelin/...`  → node_modules/@openzeppelin/...
//   `forge-std/...`      → node_modules/forge-std/... (the npm package has no src/; `forge-std/src/X` also works)
//   anything else        → relative to `basePath` (default: this contracts/ directory), then the repo root.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Abi, Hex } from 'viem'

const require = createRequire(import.meta.url)

export const CONTRACTS_DIR = path.dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = path.resolve(CONTRACTS_DIR, '..')
const NODE_MODULES = path.join(REPO_ROOT, 'node_modules')

export interface CompiledContract {
  abi: Abi
  bytecode: Hex
  deployedBytecode: Hex
}

export type SolidityOptimizer = { enabled: boolean; runs?: number }

export interface SoliditySettings {
  optimizer?: SolidityOptimizer
  evmVersion?: string
  viaIR?: boolean
  remappings?: string[]
  metadata?: { bytecodeHash?: 'ipfs' | 'bzzr1' | 'none'; appendCBOR?: boolean; useLiteralContent?: boolean }
  outputSelection?: Record<string, Record<string, string[]>>
  [key: string]: unknown
}

export interface CompileSolidityInput {
  /** source unit name → source text (or `{ content }`). */
  sources: Record<string, string | { content: string }>
  /** merged over the defaults (optimizer on/200 runs, evmVersion 'prague'). */
  settings?: SoliditySettings
  /** where non-package imports are looked up; defaults to contracts/. */
  basePath?: string
}

export class SolidityCompileError extends Error {
  constructor(readonly errors: SolcError[]) {
    super(`Solidity compilation failed:\n${errors.map((e) => e.formattedMessage ?? e.message).join('\n')}`)
    this.name = 'SolidityCompileError'
  }
}

interface SolcError {
  severity: 'error' | 'warning' | 'info'
  type: string
  message: string
  formattedMessage?: string
}

interface SolcOutput {
  errors?: SolcError[]
  contracts?: Record<
    string,
    Record<string, { abi: Abi; evm?: { bytecode?: { object: string }; deployedBytecode?: { object: string } } }>
  >
}

interface Solc {
  version(): string
  compile(input: string, callbacks?: { import: (p: string) => { contents: string } | { error: string } }): string
}

let solcInstance: Solc | undefined
function solc(): Solc {
  solcInstance ??= require('solc') as Solc
  return solcInstance
}

export function solcVersion(): string {
  return solc().version()
}

export const DEFAULT_SETTINGS: SoliditySettings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'prague',
}

function packageCandidates(importPath: string): string[] {
  if (importPath.startsWith('@openzeppelin/')) return [path.join(NODE_MODULES, importPath)]
  if (importPath.startsWith('forge-std/')) {
    const rest = importPath.slice('forge-std/'.length)
    const candidates = [path.join(NODE_MODULES, 'forge-std', rest), path.join(NODE_MODULES, 'forge-std', 'src', rest)]
    if (rest.startsWith('src/')) candidates.unshift(path.join(NODE_MODULES, 'forge-std', rest.slice(4)))
    return candidates
  }
  return []
}

export function resolveImport(importPath: string, basePath = CONTRACTS_DIR): string | undefined {
  const candidates = path.isAbsolute(importPath)
    ? [importPath]
    : [
        ...packageCandidates(importPath),
        path.resolve(basePath, importPath),
        path.resolve(REPO_ROOT, importPath),
        path.join(NODE_MODULES, importPath),
      ]
  return candidates.find((c) => existsSync(c))
}

function normalizeHex(s: string | undefined): Hex {
  if (!s) return '0x'
  return (s.startsWith('0x') ? s : `0x${s}`) as Hex
}

/**
 * Compile Solidity sources; returns every contract keyed by contract name (and, always, by
 * `sourceUnit:Name`). Throws SolidityCompileError when solc reports any error.
 */
export function compileSolidity({
  sources,
  settings,
  basePath = CONTRACTS_DIR,
}: CompileSolidityInput): Record<string, CompiledContract> {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(
      Object.entries(sources).map(([name, src]) => [name, { content: typeof src === 'string' ? src : src.content }]),
    ),
    settings: {
      ...DEFAULT_SETTINGS,
      ...settings,
      outputSelection: settings?.outputSelection ?? {
        '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] },
      },
    },
  }

  const importCallback = (importPath: string) => {
    const file = resolveImport(importPath, basePath)
    if (!file) return { error: `File not found: ${importPath}` }
    return { contents: readFileSync(file, 'utf8') }
  }

  const output = JSON.parse(solc().compile(JSON.stringify(input), { import: importCallback })) as SolcOutput
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) throw new SolidityCompileError(errors)

  const result: Record<string, CompiledContract> = {}
  const byName = new Map<string, string[]>()
  for (const [unit, contracts] of Object.entries(output.contracts ?? {})) {
    for (const [name, c] of Object.entries(contracts)) {
      const compiled: CompiledContract = {
        abi: c.abi,
        bytecode: normalizeHex(c.evm?.bytecode?.object),
        deployedBytecode: normalizeHex(c.evm?.deployedBytecode?.object),
      }
      result[`${unit}:${name}`] = compiled
      byName.set(name, [...(byName.get(name) ?? []), `${unit}:${name}`])
    }
  }
  // Plain names: prefer a contract from the caller's own sources when a name is ambiguous.
  for (const [name, keys] of byName) {
    const own = keys.filter((k) => k.slice(0, k.lastIndexOf(':')) in sources)
    const pick = own.length === 1 ? own[0] : keys.length === 1 ? keys[0] : undefined
    if (pick) result[name] = result[pick]
  }
  return result
}

/** Compile files under contracts/ (e.g. `src/Emitter.sol`); source unit names are those relative paths. */
export function compileContractFiles(
  files: string[],
  opts: { settings?: SoliditySettings; basePath?: string } = {},
): Record<string, CompiledContract> {
  const basePath = opts.basePath ?? CONTRACTS_DIR
  const sources = Object.fromEntries(files.map((f) => [f, readFileSync(path.resolve(basePath, f), 'utf8')]))
  return compileSolidity({ sources, settings: opts.settings, basePath })
}
