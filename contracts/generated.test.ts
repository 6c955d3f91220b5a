// The checked-in contracts/generated/*.ts must be exactly what `npm run contracts:build` writes from the current
// sources and compiler, so a contract change without a rebuild fails here instead of shipping a stale ABI.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import { renderGeneratedContracts } from './build.ts'
import { CONTRACTS_DIR } from './compile.ts'
import { depositBridgeAbi, depositBridgeBytecode } from './generated/DepositBridge.ts'
import { rollupAbi, rollupBytecode } from './generated/Rollup.ts'

test('default: generated files equal a fresh build (run `npm run contracts:build` if this fails)', () => {
  const files = renderGeneratedContracts()
  expect(files.map((f) => path.relative(CONTRACTS_DIR, f.path)).sort()).toEqual([
    'generated/DepositBridge.ts',
    'generated/Rollup.ts',
  ])
  for (const f of files) {
    expect(readFileSync(f.path, 'utf8'), path.relative(CONTRACTS_DIR, f.path)).toBe(f.contents)
  }
})

test('behavior: exports carry the ABI and creation bytecode', () => {
  const names = (abi: readonly { type: string; name?: string }[], type: string) =>
    abi.filter((x) => x.type === type).map((x) => x.name)
  expect(names(rollupAbi, 'function')).toEqual(
    expect.arrayContaining(['submitBatch', 'attest', 'dispute', 'getBatch', 'attestationDigest', 'eip712Domain']),
  )
  expect(names(rollupAbi, 'event')).toEqual(
    expect.arrayContaining(['BatchSubmitted', 'BatchAttested', 'BatchDisputed', 'ProverSet']),
  )
  expect(names(depositBridgeAbi, 'event')).toEqual(['DepositInitiated'])
  expect(names(depositBridgeAbi, 'error').sort()).toEqual(['EmptyDeposit', 'ZeroRecipient'])
  for (const code of [rollupBytecode, depositBridgeBytecode]) expect(code).toMatch(/^0x(?:[0-9a-f]{2})+$/)
})
