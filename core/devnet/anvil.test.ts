import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { anvilBinary, type RunningAnvil, startAnvil } from './anvil.ts'
import { AnvilStartError } from './errors.ts'
import { freePort } from './freePort.ts'

const DEV0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const DEAD = '0x000000000000000000000000000000000000dEaD'

const dirs: string[] = []
const running: RunningAnvil[] = []
afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()))
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await res.json()) as { result: T; error?: { message: string } }
  if (body.error) throw new Error(body.error.message)
  return body.result
}

describe('startAnvil', () => {
  test('default', async () => {
    expect(existsSync(anvilBinary())).toBe(true)
    const anvil = await startAnvil({ port: await freePort(), chainId: 31337, blockTime: 1 })
    running.push(anvil)
    expect(await rpc<string>(anvil.url, 'eth_chainId')).toBe('0x7a69')
    const first = Number(await rpc<string>(anvil.url, 'eth_blockNumber'))
    await new Promise((r) => setTimeout(r, 2_200))
    expect(Number(await rpc<string>(anvil.url, 'eth_blockNumber'))).toBeGreaterThan(first)
    await anvil.stop()
    expect(await anvil.exited).toBe(0)
  })

  test('behavior: stateFile keeps the chain across a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devnet-anvil-'))
    dirs.push(dir)
    const stateFile = path.join(dir, 'l1', 'state.json')
    const port = await freePort()

    const a = await startAnvil({ port, chainId: 31337, stateFile })
    const hash = await rpc<string>(a.url, 'eth_sendTransaction', [{ from: DEV0, to: DEAD, value: '0x1234' }])
    // automine answers eth_sendTransaction before the block is in; under load the receipt can lag a moment
    let receipt: { blockNumber: string } | null = null
    for (let i = 0; i < 100 && !receipt; i++) {
      receipt = await rpc<{ blockNumber: string } | null>(a.url, 'eth_getTransactionReceipt', [hash])
      if (!receipt) await new Promise((r) => setTimeout(r, 50))
    }
    expect(receipt?.blockNumber).toBe('0x1')
    await a.stop() // SIGTERM: Anvil writes the state file on its way out
    expect(await a.exited).toBe(0)
    expect(existsSync(stateFile)).toBe(true)

    const b = await startAnvil({ port, chainId: 31337, stateFile })
    running.push(b)
    expect(await rpc<string>(b.url, 'eth_getBalance', [DEAD, 'latest'])).toBe('0x1234')
    expect(await rpc<string>(b.url, 'eth_getTransactionCount', [DEV0, 'latest'])).toBe('0x1')
    expect(await rpc<string>(b.url, 'eth_blockNumber')).toBe('0x1')
    expect(await rpc<{ blockNumber: string } | null>(b.url, 'eth_getTransactionReceipt', [hash])).toMatchObject({
      blockNumber: '0x1',
    })
    await b.stop()
  })

  test('error: port in use', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const { port } = blocker.address() as { port: number }
    try {
      const err = await startAnvil({ port, chainId: 31337, startupTimeoutMs: 10_000 }).catch((e) => e)
      expect(err).toBeInstanceOf(AnvilStartError)
      expect(err.exitCode).not.toBeUndefined()
      expect(err.message).toContain(`anvil failed to start on 127.0.0.1:${port}`)
      expect(err.message).toContain('Address already in use')
    } finally {
      blocker.close()
    }
  })
})
