import { decodeFunctionResult, encodeFunctionData, toFunctionSelector } from 'viem'
import { describe, expect, it } from 'vitest'
import { compileContractFiles, compileSolidity, resolveImport, SolidityCompileError, solcVersion } from './compile.ts'

describe('compileSolidity', () => {
  it('compiles an inline source and returns abi + bytecode keyed by contract name', () => {
    const out = compileSolidity({
      sources: {
        'Counter.sol': `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
contract Counter {
  uint256 public n;
  event Bumped(uint256 indexed n);
  function bump() external { n += 1; emit Bumped(n); }
}`,
      },
    })
    expect(Object.keys(out).sort()).toEqual(['Counter', 'Counter.sol:Counter'])
    const c = out.Counter
    expect(c.bytecode).toMatch(/^0x[0-9a-f]+$/)
    expect(c.deployedBytecode).toMatch(/^0x[0-9a-f]+$/)
    expect(c.bytecode.length).toBeGreaterThan(c.deployedBytecode.length)
    // initcode ends with the runtime code + metadata
    expect(c.bytecode.endsWith(c.deployedBytecode.slice(2))).toBe(true)
    const fnNames = c.abi.filter((x) => x.type === 'function').map((x) => ('name' in x ? x.name : ''))
    expect(fnNames.sort()).toEqual(['bump', 'n'])
    expect(c.abi.some((x) => x.type === 'event' && x.name === 'Bumped')).toBe(true)
    // the runtime code contains the selector of bump()
    expect(c.deployedBytecode).toContain(toFunctionSelector('bump()').slice(2))
    expect(encodeFunctionData({ abi: c.abi, functionName: 'bump' })).toBe(toFunctionSelector('bump()'))
    expect(decodeFunctionResult({ abi: c.abi, functionName: 'n', data: `0x${'00'.repeat(31)}05` })).toBe(5n)
  })

  it('resolves @openzeppelin imports from node_modules', () => {
    const out = compileContractFiles(['src/TestToken.sol'])
    expect(out.TestToken).toBeDefined()
    expect(out.ERC20).toBeDefined() // the abstract base also appears (empty bytecode)
    expect(out.ERC20.bytecode).toBe('0x')
    const names = out.TestToken.abi.filter((x) => x.type === 'function').map((x) => ('name' in x ? x.name : ''))
    for (const fn of ['transfer', 'balanceOf', 'approve', 'transferFrom', 'totalSupply', 'decimals']) {
      expect(names).toContain(fn)
    }
    const ctor = out.TestToken.abi.find((x) => x.type === 'constructor')
    expect(ctor && 'inputs' in ctor ? ctor.inputs.map((i) => i.type) : []).toEqual(['uint256'])
  })

  it('compiles Emitter for prague; the same source fails for a pre-Cancun evmVersion (tstore/tload)', () => {
    const out = compileContractFiles(['src/Emitter.sol'])
    const errors = out.Emitter.abi.filter((x) => x.type === 'error').map((x) => ('name' in x ? x.name : ''))
    expect(errors.sort()).toEqual(['TooLarge', 'Unauthorized'])
    const events = out.Emitter.abi.filter((x) => x.type === 'event').map((x) => ('name' in x ? x.name : ''))
    expect(events.sort()).toEqual(['Note', 'Tick', 'ValueSet'])
    expect(() => compileContractFiles(['src/Emitter.sol'], { settings: { evmVersion: 'shanghai' } })).toThrow(
      /tstore|tload|Cancun/i,
    )
  })

  it('resolves forge-std imports (npm package layout, with or without src/)', () => {
    expect(resolveImport('forge-std/Script.sol')).toMatch(/node_modules\/forge-std\/Script\.sol$/)
    expect(resolveImport('forge-std/src/Script.sol')).toMatch(/node_modules\/forge-std\/Script\.sol$/)
    const out = compileContractFiles(['script/Create2Deploy.s.sol'])
    expect(out.Create2Deploy.bytecode).toMatch(/^0x[0-9a-f]+$/)
    expect(out.Emitter.bytecode).toMatch(/^0x[0-9a-f]+$/)
  })

  it('honours settings overrides and is deterministic', () => {
    const src = {
      'A.sol': 'pragma solidity ^0.8.0; contract A { function f() external pure returns (uint) { return 42; } }',
    }
    const a = compileSolidity({ sources: src, settings: { metadata: { appendCBOR: false } } })
    const b = compileSolidity({ sources: src, settings: { metadata: { appendCBOR: false } } })
    const c = compileSolidity({ sources: src })
    expect(a.A.bytecode).toBe(b.A.bytecode)
    expect(a.A.bytecode.length).toBeLessThan(c.A.bytecode.length) // no CBOR metadata tail
  })

  it('throws SolidityCompileError with solc messages on errors', () => {
    let err: unknown
    try {
      compileSolidity({ sources: { 'Bad.sol': 'pragma solidity ^0.8.0; contract Bad { function f() { x = 1; } }' } })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(SolidityCompileError)
    expect((err as SolidityCompileError).errors.length).toBeGreaterThan(0)
    expect((err as Error).message).toMatch(/Bad\.sol/)
  })

  it('fails cleanly on a missing import', () => {
    expect(() =>
      compileSolidity({ sources: { 'M.sol': 'pragma solidity ^0.8.0; import "./Nope.sol"; contract M {}' } }),
    ).toThrow(/Nope\.sol/)
  })

  it('reports the npm solc version', () => {
    expect(solcVersion()).toMatch(/^0\.8\.\d+\+commit\.[0-9a-f]+/)
  })
})
