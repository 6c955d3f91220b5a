// Derivation end to end: a real Anvil, real Redis, the sequencer as a child process posting batches;
// the chain is then rebuilt from L1 alone and compared block by block with the sequencer's.
import { join } from 'node:path'
import type { Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readDeployments } from '../contracts/deploy.ts'
import { createChainCommon } from '../core/chain/createChainCommon.ts'
import { readConfig } from '../core/config/config.ts'
import { createLogger } from '../core/log/logger.ts'
import { createChainStore } from '../core/storage/chainStore.ts'
import { openDatabase } from '../core/storage/openDatabase.ts'
import { freshDataDir, rpc } from '../test/e2e/harness.ts'
import { type Devnet, readL1Batches, startDevnet, waitForBatched } from '../test/e2e/settlement.ts'
import { deriveFromL1 } from './derive.ts'
import type { DerivedBatch } from './deriveBatch.ts'
import { DataDirNotEmptyError, L1UnreachableError } from './errors.ts'
import { runVerify } from './testing/runVerify.ts'
import { sendL2Traffic } from './testing/sendL2Traffic.ts'

const log = createLogger({ level: process.env.E2E_NODE_LOGS === '1' ? 'info' : 'silent' })
const config = readConfig({})

describe('deriveFromL1', () => {
  let d: Devnet
  let last: bigint
  beforeAll(async () => {
    // The sequencer runs its parallel executor; derivation always runs the sequential one.
    d = await startDevnet({ env: { EXECUTOR_WORKERS: '2', EXECUTOR_MIN_PARALLEL_TXS: '2' } })
    last = await sendL2Traffic(d.node, { transfers: 8 })
    await waitForBatched(d.node, last, 'confirmed')
  })
  afterAll(async () => {
    await d?.node.stop()
    await d?.anvil.stop()
  })

  it('default: rebuilds every block from L1 data alone, equal to the sequencer’s', async () => {
    const deployments = readDeployments(join(d.node.dataDir, 'deployments.json'))!
    const dataDir = freshDataDir('derive-')
    const seen: DerivedBatch[] = []
    const r = await deriveFromL1({
      l1RpcUrl: d.anvil.url,
      rollup: d.rollup,
      bridge: deployments.bridge,
      deployBlock: deployments.deployBlock,
      dataDir,
      config,
      log,
      onBatch: (b) => void seen.push(b),
    })
    expect(r.head.number).toBeGreaterThanOrEqual(last)
    expect(r.batches).toBe(seen.length)
    expect(seen.map((b) => b.index)).toEqual(seen.map((_, i) => i))
    expect(r.txs).toBe(8 + 3)

    // Every header, as the sequencer serves it and as derivation stored it.
    const db = openDatabase({ path: join(dataDir, 'chain.sqlite') })
    const chain = createChainStore(db, createChainCommon({ chainId: config.CHAIN_ID }))
    try {
      expect(chain.headNumber()).toBe(r.head.number)
      for (let n = 0n; n <= r.head.number; n++) {
        const { transactions, ...served } = await rpc<Record<string, unknown> & { transactions: Hex[] }>(
          d.node.url,
          'eth_getBlockByNumber',
          [`0x${n.toString(16)}`, false],
        )
        expect(chain.headerByNumber(n), `block ${n}`).toEqual(served)
        expect(chain.txHashesOfBlock(n)).toEqual(transactions)
        expect(chain.receiptsOfBlock(n)).toEqual(
          await rpc<unknown[]>(d.node.url, 'eth_getBlockReceipts', [`0x${n.toString(16)}`]),
        )
      }
    } finally {
      db.close()
    }

    // Every output root L1 holds is the derived one.
    const onL1 = (await readL1Batches(d.l1, d.rollup)).filter((b) => b.index < r.batches)
    expect(onL1.map((b) => b.outputRoot)).toEqual(seen.map((b) => b.outputRoot))
    expect(r.outputRoot).toBe(seen[seen.length - 1].outputRoot)
  })

  it('behavior: `npm run verify` exits 0 with one line per batch and a summary', async () => {
    const r = await runVerify(['--l1', d.anvil.url, '--deployments', join(d.node.dataDir, 'deployments.json')])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^batch 0: blocks 1-\d+ \(\d+\), \d+ txs, output root 0x[0-9a-f]{8}…[0-9a-f]{8} OK$/m)
    expect(r.stdout).toMatch(
      /^verified \d+ batches: \d+ L2 blocks, 11 txs re-executed from L1 data .*: all output roots match$/m,
    )
  })

  it('error: a data directory that already holds a chain', async () => {
    const dataDir = freshDataDir('derive-')
    const p = { l1RpcUrl: d.anvil.url, rollup: d.rollup, bridge: d.bridge, deployBlock: 0n, dataDir, config, log }
    await deriveFromL1({ ...p, toBlock: 0n })
    await expect(deriveFromL1(p)).rejects.toThrowError(DataDirNotEmptyError)
    const cli = await runVerify([
      '--l1',
      d.anvil.url,
      '--rollup',
      d.rollup,
      '--bridge',
      d.bridge,
      '--data-dir',
      dataDir,
    ])
    expect(cli.code).toBe(2)
  })

  it('error: the L1 is unreachable', async () => {
    const url = 'http://127.0.0.1:9' // discard port: nothing listens
    const p = {
      l1RpcUrl: url,
      rollup: d.rollup,
      bridge: d.bridge,
      deployBlock: 0n,
      dataDir: freshDataDir('derive-'),
      config,
      log,
    }
    await expect(deriveFromL1(p)).rejects.toThrowError(L1UnreachableError)
    const cli = await runVerify(['--l1', url, '--rollup', d.rollup, '--bridge', d.bridge])
    expect(cli.code).toBe(3)
    expect(cli.stderr).toMatch(/^could not verify: cannot reach the L1 at http:\/\/127\.0\.0\.1:9$/m)
  })

  it('error: usage', async () => {
    expect((await runVerify(['--rollup', d.rollup])).code).toBe(2) // no L1
    expect((await runVerify(['--l1', d.anvil.url])).code).toBe(2) // no rollup
    expect((await runVerify(['--l1', d.anvil.url, '--rollup', '0x1234'])).code).toBe(2)
    expect((await runVerify(['--l1', d.anvil.url, '--bogus'])).code).toBe(2)
  })
})
