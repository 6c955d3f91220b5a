import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createBlock, createBlockFromRLP } from '@ethereumjs/block'
import { bytesToHex, hexToBytes } from '@ethereumjs/util'
import { afterAll, describe, expect, test } from 'vitest'
import { createChainCommon } from '../../core/chain/createChainCommon.ts'
import { createSequentialExecutor } from '../sequential.ts'
import { EXECUTORS, type NamedExecutor, selectExecutors } from './executors.ts'
import type { BlockchainTest } from './fixture.ts'
import { DEFAULT_FIXTURE_DIR, runConformance, summaryLine } from './runner.ts'

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const FIXTURES = resolve(REPO_ROOT, DEFAULT_FIXTURE_DIR)
const SHANGHAI_EXAMPLE = join(FIXTURES, 'ValidBlocks/bcExample/shanghaiExample.json')

describe.skipIf(!existsSync(FIXTURES))('ethereum/tests BlockchainTests (shared subset)', () => {
  test('every Cancun test passes through the sequential and the parallel executor', async () => {
    const summary = await runConformance({ dir: FIXTURES, mode: 'both' })
    console.log(`conformance: ${summaryLine(summary)} (${summary.files} files, ${(summary.ms / 1000).toFixed(1)}s)`)
    expect(summary.failures).toEqual([])
    expect(summary.failed).toBe(0)
    expect(summary.passed).toBeGreaterThan(300)
    expect(summary.executors).toEqual(['sequential', 'parallel'])
  })
})

describe.skipIf(!existsSync(SHANGHAI_EXAMPLE))('the harness itself (negative controls)', () => {
  const common = createChainCommon({ chainId: 1, hardfork: 'cancun' })
  const [[name, base]] = Object.entries(JSON.parse(readFileSync(SHANGHAI_EXAMPLE, 'utf8'))) as [
    string,
    BlockchainTest,
  ][]
  const block = createBlockFromRLP(hexToBytes(base.blocks[0].rlp), { common })
  const json = block.toJSON()
  const reencode = (header: Record<string, unknown>) =>
    bytesToHex(createBlock({ ...json, header: { ...json.header, ...header } }, { common }).serialize())
  const clone = (t: BlockchainTest): BlockchainTest => structuredClone(t)

  // A block whose stateRoot is wrong (header otherwise valid): the executor runs it and must not keep its state.
  const badRoot = clone(base)
  badRoot.blocks = [
    { rlp: reencode({ stateRoot: `0x${'11'.repeat(32)}` }) as `0x${string}`, expectException: 'InvalidStateRoot' },
    base.blocks[0],
  ]
  // A block breaking a header rule (base fee).
  const badBaseFee = clone(base)
  badBaseFee.blocks = [
    { rlp: reencode({ baseFeePerGas: '0x0a' }) as `0x${string}`, expectException: 'BaseFee' },
    base.blocks[0],
  ]
  // A valid block wrongly marked invalid: accepted, so the test fails.
  const acceptedInvalid = clone(base)
  acceptedInvalid.blocks = [{ rlp: base.blocks[0].rlp, expectException: 'Whatever' }]
  acceptedInvalid.lastblockhash = base.genesisBlockHeader.hash
  acceptedInvalid.postState = base.pre
  // A post-state that does not match.
  const wrongPost = clone(base)
  const [firstAccount] = Object.keys(wrongPost.postState!)
  wrongPost.postState![firstAccount].balance = '0x0123'
  // Another fork: skipped.
  const otherFork = { ...clone(base), network: 'Prague' }

  const dir = mkdtempSync(join(tmpdir(), 'conformance-'))
  writeFileSync(
    join(dir, 'synthetic.json'),
    JSON.stringify({ badRoot, badBaseFee, acceptedInvalid, wrongPost, otherFork, [name]: base }),
  )
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('invalid blocks are rejected and dropped; mismatches and skips are counted', async () => {
    const s = await runConformance({ dir, mode: 'sequential' })
    expect(s).toMatchObject({ passed: 3, failed: 2, skipped: 1 })
    expect(s.failures).toEqual([
      'acceptedInvalid block 1 expectException expected Whatever got accepted',
      `wrongPost block 1 postState[${firstAccount.toLowerCase()}].balance expected 0x123 got 0x${BigInt(base.postState![firstAccount].balance).toString(16)}`,
    ])
    expect(summaryLine(s)).toBe('3 passed, 2 failed, 1 skipped')
  })

  test('a wrong executor result is caught (gasUsed, then roots)', async () => {
    const broken: NamedExecutor = {
      name: 'sequential',
      async create(deps) {
        const exec = await createSequentialExecutor(deps)
        return {
          async executeBlock(params) {
            const result = await exec.executeBlock(params)
            return { ...result, gasUsed: result.gasUsed + 1n }
          },
        }
      },
    }
    const s = await runConformance({ dir: SHANGHAI_EXAMPLE, mode: 'sequential', available: [broken] })
    expect(s.failures).toEqual([`${name} block 1 gasUsed expected 0x125b8 got 0x125b9`])
  })

  test('--mode: selects the executors; both run every test', async () => {
    expect(selectExecutors('parallel')).toEqual({ executors: [EXECUTORS[1]], notes: [] })
    expect(selectExecutors('both').executors.map((e) => e.name)).toEqual(['sequential', 'parallel'])
    const s = await runConformance({ dir, mode: 'both' })
    expect(s.executors).toEqual(['sequential', 'parallel'])
    expect(s).toMatchObject({ passed: 3, failed: 2, skipped: 1, notes: [] })
    expect(s.failures[0]).toBe('acceptedInvalid [sequential] block 1 expectException expected Whatever got accepted')
    expect(s.failures[1]).toBe('acceptedInvalid [parallel] block 1 expectException expected Whatever got accepted')
  })

  test('the CLI prints failures, ends with the summary line and exits 1', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'executor/conformance/main.ts', dir, '--mode', 'parallel'],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    )
    expect(r.status).toBe(1)
    const lines = r.stdout.trim().split('\n')
    expect(lines.at(-1)).toBe('3 passed, 2 failed, 1 skipped')
    expect(lines).toHaveLength(3)
  })
})
