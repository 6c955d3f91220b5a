#!/usr/bin/env node
// A `solc` lookalike backed by the npm `solc` package (soljson/wasm), for `forge --use <this file>`.
//
// Forge talks to a solc binary in two ways:
//   1. `solc --version`: forge parses the LAST line, which must look like
//      `Version: 0.8.37+commit.f401782d.Linux.g++` (a semver with build metadata).
//   2. `solc [--base-path P] [--include-path P]... [--allow-paths P,...] --standard-json`:
//      standard-JSON on stdin, standard-JSON on stdout. Forge inlines every source it resolved
//      (remappings applied) so the import callback below is a fallback only.
//
// Anything else (e.g. `solc --help`) gets a short message and exit code 1.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

/** npm `solc`, resolved from this file (the repo's node_modules), else from the cwd. */
function loadSolc() {
  try {
    return createRequire(import.meta.url)('solc')
  } catch {
    return createRequire(path.join(process.cwd(), 'noop.js'))('solc')
  }
}

/** `0.8.37+commit.f401782d.Emscripten.clang` → `0.8.37+commit.f401782d.Linux.gcc` */
function nativeLookingVersion(v) {
  const m = /^(\d+\.\d+\.\d+)(?:-[^+]*)?\+commit\.([0-9a-f]+)/.exec(v)
  if (!m) return v
  return `${m[1]}+commit.${m[2]}.Linux.gcc`
}

function readStdin() {
  // fd 0 may be a pipe; readFileSync(0) reads it to EOF synchronously.
  return readFileSync(0, 'utf8')
}

function parseArgs(argv) {
  const out = {
    version: false,
    standardJson: false,
    basePath: undefined,
    includePaths: [],
    allowPaths: [],
    unknown: [],
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const takeValue = () => {
      const eq = a.indexOf('=')
      if (eq !== -1) return a.slice(eq + 1)
      i++
      return argv[i]
    }
    if (a === '--version' || a === '-v') out.version = true
    else if (a === '--standard-json') out.standardJson = true
    else if (a.startsWith('--base-path')) out.basePath = takeValue()
    else if (a.startsWith('--include-path')) out.includePaths.push(takeValue())
    else if (a.startsWith('--allow-paths')) out.allowPaths.push(...String(takeValue()).split(','))
    else if (a === '--pretty-json' || a === '--json-indent') {
      // cosmetic, ignore
    } else out.unknown.push(a)
  }
  return out
}

function makeImportCallback(roots) {
  return (importPath) => {
    const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.resolve(r, importPath))
    for (const c of candidates) {
      try {
        return { contents: readFileSync(c, 'utf8') }
      } catch {
        // try next
      }
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` }
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2))
  const solc = loadSolc()

  if (args.version) {
    process.stdout.write(
      `solc, the solidity compiler commandline interface (npm solc ${solc.version()})\nVersion: ${nativeLookingVersion(solc.version())}\n`,
    )
    return 0
  }

  if (args.standardJson) {
    const input = readStdin()
    const roots = [args.basePath ?? process.cwd(), ...args.includePaths, ...args.allowPaths, process.cwd()].filter(
      Boolean,
    )
    const output = solc.compile(input, { import: makeImportCallback(roots) })
    process.stdout.write(output)
    return 0
  }

  process.stderr.write(
    `solc-forge.mjs (${here}): only --version and --standard-json are supported; got: ${process.argv.slice(2).join(' ')}\n`,
  )
  return 1
}

process.exitCode = main()
