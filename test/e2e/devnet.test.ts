// `npm start` end to end: the whole devnet from one command, on a fresh data dir and free ports.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Hex } from 'viem'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, freshDataDir, REPO_ROOT, rpc, waitFor } from './harness.ts'
import { rollupStatus, sendTransfers, waitForBatched } from './settlement.ts'

const children: ChildProcess[] = []
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode !== null || c.signalCode !== null) continue
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve())
      c.kill('SIGTERM')
    })
  }
})

// Runs exactly the command `npm start` runs (exec'd, so signals reach the devnet itself, not npm).
const START = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts.start as string

function npmStart(env: Record<string, string>) {
  const child = spawn('sh', ['-c', `exec ${START}`], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, output: () => out, exited }
}

describe('npm start (the devnet)', () => {
  it('runs Anvil, deploys the contracts, starts Redis if needed, sequences and posts; restarts on the same L1', async () => {
    const dataDir = freshDataDir('devnet-e2e-')
    const [rpcPort, anvilPort, redisPort] = [await freePort(), await freePort(), await freePort()]
    const env = {
      DATA_DIR: dataDir,
      RPC_PORT: String(rpcPort),
      ANVIL_PORT: String(anvilPort),
      // nothing listens there: the devnet starts its own redis-server
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      QUEUE_PREFIX: `e2e-${randomUUID()}`,
      BATCH_MAX_AGE_MS: '1000',
      EXECUTOR_WORKERS: '0',
      LOG_LEVEL: 'warn',
      ADMIN_PORT: '0',
      PROVER_METRICS_PORT: '0',
    }
    const first = npmStart(env)
    await waitFor(
      'the devnet banner',
      () => first.output().includes('parallel-rollup devnet is up') || undefined,
      90_000,
      100,
    )
    expect(first.output()).toContain(`Redis      redis://127.0.0.1:${redisPort} (started for this devnet)`)
    const deployments = JSON.parse(readFileSync(join(dataDir, 'deployments.json'), 'utf8'))
    expect(first.output()).toContain(`Rollup     ${deployments.rollup}`)
    const node = { url: `http://127.0.0.1:${rpcPort}`, wsUrl: `ws://127.0.0.1:${rpcPort}`, chainId: 901901 }
    const target = node as unknown as Parameters<typeof sendTransfers>[0]
    const last = await sendTransfers(target, 3)
    await waitForBatched(target, last, 'confirmed')
    const code = await rpc(`http://127.0.0.1:${anvilPort}`, 'eth_getCode', [deployments.rollup, 'latest'])
    expect(code).not.toBe('0x')
    // the devnet's prover re-executes the batches and attests them on L1: 'finalized' follows
    const attested = await waitFor(
      'a batch attested by the devnet prover',
      async () => (await rollupStatus(target)).latestAttested ?? undefined,
      90_000,
      250,
    )
    const finalized = await rpc<{ number: Hex }>(node.url, 'eth_getBlockByNumber', ['finalized', false])
    expect(BigInt(finalized.number)).toBeGreaterThanOrEqual(BigInt(attested.lastBlock))
    const safe = await rpc<{ number: Hex }>(node.url, 'eth_getBlockByNumber', ['safe', false])
    expect(BigInt(safe.number)).toBeGreaterThanOrEqual(BigInt(finalized.number))

    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)

    // Same data dir: the L1 state (Anvil --state) and the L2 chain come back together.
    const second = npmStart(env)
    await waitFor('the devnet banner again', () => second.output().includes('devnet is up') || undefined, 90_000, 100)
    const again = await sendTransfers(target, 2)
    expect(again).toBeGreaterThan(last)
    await waitForBatched(target, again, 'confirmed')
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
  }, 240_000)

  it('exits with a clear message when Redis cannot be had', async () => {
    const dataDir = freshDataDir('devnet-e2e-')
    const run = npmStart({
      DATA_DIR: dataDir,
      RPC_PORT: String(await freePort()),
      ANVIL_PORT: String(await freePort()),
      // not local: the devnet must not try to start one
      REDIS_URL: 'redis://10.255.255.1:6379',
    })
    expect(await run.exited).not.toBe(0)
    expect(run.output()).toMatch(/Redis is not reachable at redis:\/\/10\.255\.255\.1:6379/)
    expect(run.output()).toMatch(/apt-get install redis-server/)
  }, 60_000)
})
